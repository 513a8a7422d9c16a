/**
 * TraCI protocol constants used by this client (SUMO's `tools/traci/constants.py` has them all).
 * A domain's get, set and subscribe commands and its subscription response are at fixed offsets:
 * get 0xa0+d, set 0xc0+d, subscribe 0xd0+d, subscription response 0xe0+d.
 */
export const CMD = {
  getVersion: 0x00,
  simulationStep: 0x02,
  setOrder: 0x03,
  close: 0x7f,
} as const;

/** Domain offsets: add to 0xa0 (get), 0xc0 (set), 0xd0 (subscribe), 0xe0 (subscription response). */
export const DOMAIN = {
  inductionLoop: 0x00,
  trafficLight: 0x02,
  lane: 0x03,
  vehicle: 0x04,
  simulation: 0x0b,
  laneArea: 0x0d,
} as const;
export type Domain = keyof typeof DOMAIN;

export const GET = 0xa0;
export const SET = 0xc0;
export const SUBSCRIBE = 0xd0;
export const SUBSCRIPTION_RESPONSE = 0xe0;

/** Variables (the same id means the same thing across the detector and lane domains). */
export const VAR = {
  lastStepVehicleNumber: 0x10,
  lastStepMeanSpeed: 0x11,
  lastStepVehicleIds: 0x12,
  lastStepOccupancy: 0x13,
  lastStepHaltingNumber: 0x14,
  /** Induction loops: each vehicle that touched the loop in the last step, with its entry and leave times (s; leave −1 while still on). */
  lastStepVehicleData: 0x17,
  jamLengthVehicles: 0x18,
  tlRedYellowGreenState: 0x20,
  tlControlledLanes: 0x26,
  tlControlledLinks: 0x27,
  /** Lanes: the speed limit (m/s). */
  maxSpeed: 0x41,
  /** Vehicles: the lane it is on, its position along it (m) and its time lost so far (s). */
  laneId: 0x51,
  lanePosition: 0x56,
  timeLoss: 0x8c,
  time: 0x66,
  departedNumber: 0x73,
  arrivedNumber: 0x79,
  teleportStartingNumber: 0x75,
  minExpectedVehicles: 0x7d,
} as const;

export const TYPE = {
  position2d: 0x01,
  ubyte: 0x07,
  byte: 0x08,
  integer: 0x09,
  double: 0x0b,
  string: 0x0c,
  stringList: 0x0e,
  compound: 0x0f,
  doubleList: 0x10,
  color: 0x11,
} as const;

export const RESULT = { ok: 0x00, notImplemented: 0x01, error: 0xff } as const;

/** A subscription that lasts the whole simulation. */
export const SUBSCRIPTION_BEGIN = 0;
export const SUBSCRIPTION_END = 2147483647;
