import type { VehicleClass } from "../../protocol/index.js";

/** The 80 COCO class names in the order detectors trained on COCO emit them. */
export const COCO_NAMES: readonly string[] = [
  "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
  "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
  "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
  "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
  "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
  "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
  "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
  "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
  "hair drier", "toothbrush",
];

/** COCO ids of the classes that count as traffic: bicycle 1, car 2, motorcycle 3, bus 5, truck 7. */
export const COCO_VEHICLE_CLASSES: ReadonlyMap<number, VehicleClass> = new Map<number, VehicleClass>([
  [1, "bicycle"],
  [2, "car"],
  [3, "motorcycle"],
  [5, "bus"],
  [7, "truck"],
]);

/** Vehicle class of a label, when the model's own names are used instead of COCO ids. */
export function vehicleClassOfLabel(label: string): VehicleClass | undefined {
  switch (label.toLowerCase()) {
    case "bicycle":
    case "car":
    case "motorcycle":
    case "bus":
    case "truck":
      return label.toLowerCase() as VehicleClass;
    case "motorbike":
      return "motorcycle";
    default:
      return undefined;
  }
}
