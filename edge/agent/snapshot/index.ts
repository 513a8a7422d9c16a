export { geometryOf, snapshotJpeg } from "./snapshot-image.js";
