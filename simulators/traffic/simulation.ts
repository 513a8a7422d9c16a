import { VEHICLE_CLASSES, type SignalState } from "../../protocol/index.js";
import { flowAt } from "./demand.js";
import { TURNS, type Turn } from "./geometry.js";
import { buildNetwork, type Approach, type Exit, type Intersection, type Lane, type Vehicle } from "./network.js";
import { Prng } from "./prng.js";
import type { Scenario } from "./scenario.js";
import type { SignalSource } from "./signal-source.js";
import { VEHICLE_SPECS } from "./vehicle-classes.js";
import type {
  ApproachMetrics,
  ApproachView,
  IntersectionView,
  NetworkSnapshot,
  SimulationSummary,
  StopLineCrossing,
} from "./views.js";

export interface SimulationOptions {
  /** Omitted: the scenario's seed. */
  seed?: number;
  /** Per lane, for a car; trucks and buses take 1.5×. 2.0 s is 1800 veh/h/lane. */
  saturationHeadwayS?: number;
  /** Lost before the first stopped vehicle moves at the start of green. */
  startupLostS?: number;
  /** A vehicle may still enter this long into yellow. */
  yellowEntryS?: number;
  /** Gap in opposing traffic a permissive left turn needs. */
  criticalGapS?: number;
  /** Multiplies every demand profile. */
  demandScale?: number;
}

const JAM_GAP_M = 2;
/** Moving vehicles keep this time gap to the one ahead, so they reach the stop line about a saturation headway apart. */
const FOLLOW_GAP_S = 1.5;
const QUEUE_MOVE_UP_MPS = 5;
/** A wait shorter than this at the line (a headway, not a red) is not a stop. */
const MIN_STOP_S = 1;
const STOPPED_BELOW_MPS = 0.5;
/** Speed spread of drivers on each approach, so platoons disperse between intersections. */
const SPEED_SPREAD = 0.06;
/** A permissive left follows an opposing through or right vehicle into the conflict zone no sooner than this. */
const CONFLICT_CLEAR_S = 1;
/** All-way stop (flash or dark): stop, wait, then one vehicle at a time through the intersection. */
const ALL_WAY_DWELL_S = 1;
const ALL_WAY_LANE_HEADWAY_S = 4;
const ALL_WAY_CLEAR_S = 2.5;

interface PendingTransfer {
  vehicle: Vehicle;
  exit: Exit;
  departedS: number;
}

interface EntryDemand {
  approach: Approach;
  profile: Scenario["demand"][number]["profile"];
  turning: number[];
  classWeights: number[];
}

function isAllWayStop(state: SignalState): boolean {
  return state !== "G" && state !== "Y" && state !== "R";
}

/**
 * Mesoscopic simulation of signalised intersections: vehicles travel each approach at their
 * desired speed, queue per lane at the stop line and discharge on green at the saturation
 * headway. Time advances only through `step`, so an hour runs in well under a second per
 * intersection; the same scenario, seed and steps always give the same results.
 */
export class TrafficSimulation {
  private readonly network: Intersection[];
  private readonly demand: EntryDemand[];
  private readonly prng: Prng;
  private readonly saturationHeadwayS: number;
  private readonly startupLostS: number;
  private readonly yellowEntryS: number;
  private readonly criticalGapS: number;
  private readonly demandScale: number;
  private readonly pending: PendingTransfer[] = [];
  private tS = 0;
  private nextVehicleId = 1;
  private readonly seed: number;
  private entered = 0;
  private exited = 0;
  private totalDelayS = 0;
  private totalStops = 0;

  constructor(
    scenario: Scenario,
    private readonly signals: SignalSource,
    options: SimulationOptions = {},
  ) {
    this.network = buildNetwork(scenario);
    // Arrivals (when, which class, which turn, what speed) come from their own stream, and each
    // vehicle's later choices from its own (see Vehicle.choices): the same seed gives the same
    // demand, vehicle for vehicle, whatever the signals do, so policies compare on equal terms.
    this.seed = options.seed ?? scenario.seed;
    this.prng = new Prng(this.seed);
    this.saturationHeadwayS = options.saturationHeadwayS ?? 2;
    this.startupLostS = options.startupLostS ?? 2;
    this.yellowEntryS = options.yellowEntryS ?? 2;
    this.criticalGapS = options.criticalGapS ?? 4.5;
    this.demandScale = options.demandScale ?? 1;
    const byId = new Map(this.network.map((x) => [x.id, x]));
    this.demand = scenario.demand.map((d) => {
      const approach = byId.get(d.intersectionId)?.byLeg[d.approach];
      if (approach === undefined) throw new Error(`demand on ${d.intersectionId}/${d.approach} has no approach`);
      return {
        approach,
        profile: d.profile,
        turning: d.turning ? TURNS.map((t) => d.turning?.[t] ?? 0) : approach.turning,
        classWeights: VEHICLE_CLASSES.map((c) => d.classMix[c]),
      };
    });
  }

  /** Simulated seconds since the start. */
  get timeS(): number {
    return this.tS;
  }

  /** Advance by `dtS` seconds; returns the stop-line crossings within the step, in time order per lane. */
  step(dtS: number): StopLineCrossing[] {
    if (!(dtS > 0 && dtS <= 10)) throw new RangeError(`dtS must be in (0, 10] s, got ${dtS}`);
    const startS = this.tS;
    const endS = startS + dtS;
    const crossings: StopLineCrossing[] = [];
    this.readSignals();
    for (const x of this.network) {
      let allWay = false;
      for (const a of x.approaches) {
        for (const lane of a.lanes) allWay = this.dischargeLane(a, lane, startS, endS, crossings) || allWay;
      }
      if (allWay) this.dischargeAllWayStop(x, startS, endS, crossings);
    }
    for (const x of this.network) {
      for (const a of x.approaches) {
        let queueVeh = 0;
        for (const lane of a.lanes) queueVeh += this.moveLane(lane, startS, dtS);
        a.queueVeh = queueVeh;
        if (queueVeh > a.maxQueueVeh) a.maxQueueVeh = queueVeh;
      }
    }
    this.tS = endS;
    this.placeTransfers(endS);
    this.generateArrivals(startS, dtS);
    return crossings;
  }

  summary(): SimulationSummary {
    let maxQueueVeh = 0;
    for (const x of this.network) for (const a of x.approaches) maxQueueVeh = Math.max(maxQueueVeh, a.maxQueueVeh);
    // Vehicles still in the network count with the delay they have had so far (time in the network
    // beyond the free-flow time of the links they were given): a policy that strands vehicles in
    // queues must not look good because only the vehicles it let out are averaged.
    let delaySoFarS = 0;
    let inNetwork = 0;
    for (const x of this.network) {
      for (const a of x.approaches) {
        for (const lane of a.lanes) {
          for (const v of lane.vehicles) {
            inNetwork++;
            delaySoFarS += Math.max(0, this.tS - v.enteredS - v.freeFlowS);
          }
        }
      }
    }
    const all = this.exited + inNetwork;
    return {
      avgDelayS: all === 0 ? 0 : (this.totalDelayS + delaySoFarS) / all,
      avgDelayExitedS: this.exited === 0 ? 0 : this.totalDelayS / this.exited,
      stopsPerVehicle: this.exited === 0 ? 0 : this.totalStops / this.exited,
      maxQueueVeh,
      throughputVeh: this.exited,
      vehiclesEntered: this.entered,
      vehiclesInNetwork: this.entered - this.exited,
    };
  }

  approachMetrics(): ApproachMetrics[] {
    const out: ApproachMetrics[] = [];
    for (const x of this.network) {
      for (const a of x.approaches) {
        out.push({ intersectionId: x.id, approach: a.leg, crossings: a.crossings, queueVeh: a.queueVeh, maxQueueVeh: a.maxQueueVeh });
      }
    }
    return out;
  }

  /** Every vehicle's place, for rendering frames and for measuring queues. */
  snapshot(): NetworkSnapshot {
    const intersections: IntersectionView[] = this.network.map((x) => ({
      id: x.id,
      position: { ...x.position },
      approaches: x.approaches.map((a): ApproachView => {
        const signals: Record<Turn, SignalState | null> = { through: null, left: null, right: null };
        TURNS.forEach((t, i) => {
          if (a.lanesByTurn[i].length > 0) signals[t] = a.signal[i];
        });
        return {
          approach: a.leg,
          lengthM: a.lengthM,
          signals,
          queueVeh: a.queueVeh,
          lanes: a.lanes.map((lane) => {
            let queueVeh = 0;
            let queueLengthM = 0;
            for (const v of lane.vehicles) {
              if (!v.queued) break;
              queueVeh++;
              queueLengthM = v.distanceM + v.lengthM;
            }
            return {
              index: lane.index,
              turns: lane.turns,
              queueVeh,
              queueLengthM,
              vehicles: lane.vehicles.map((v) => ({
                id: v.id,
                class: v.cls,
                turn: v.turn,
                lengthM: v.lengthM,
                distanceM: v.distanceM,
                speedMps: v.speedMps,
                stopped: v.speedMps < STOPPED_BELOW_MPS,
                queued: v.queued,
                freeArrivalS: v.freeArrivalS,
              })),
            };
          }),
        };
      }),
    }));
    return { tS: this.tS, intersections };
  }

  /** Sample every served movement once per step; a state seen first at t = 0 counts as starting then. */
  private readSignals(): void {
    for (const x of this.network) {
      for (const a of x.approaches) {
        for (let i = 0; i < 3; i++) {
          if (a.lanesByTurn[i].length === 0) continue;
          const state = this.signals.stateOf(x.id, a.leg, TURNS[i], this.tS);
          if (state !== a.signal[i]) {
            a.signal[i] = state;
            a.signalSinceS[i] = this.tS;
          }
        }
      }
    }
  }

  /** Discharge the lane's head vehicles that may cross within [startS, endS). Returns whether the head faces an all-way stop. */
  private dischargeLane(a: Approach, lane: Lane, startS: number, endS: number, out: StopLineCrossing[]): boolean {
    for (;;) {
      const head = lane.vehicles[0];
      if (head === undefined) return false;
      const state = a.signal[head.turnIndex];
      if (isAllWayStop(state)) {
        lane.flowing = false;
        return true;
      }
      // A queued head is moving up behind the one that left; the queue discharges at the headway.
      const arrivalS = head.queued ? startS : startS + head.distanceM / head.desiredMps;
      if (arrivalS >= endS) return false;
      const departS = this.earliestDeparture(a, lane, head, state, arrivalS);
      if (departS >= endS) return false;
      lane.vehicles.shift();
      lane.nextDepartureS = departS + this.saturationHeadwayS * head.headwayFactor;
      this.depart(a, lane, head, departS, out);
    }
  }

  private earliestDeparture(a: Approach, lane: Lane, v: Vehicle, state: SignalState, arrivalS: number): number {
    const sinceS = a.signalSinceS[v.turnIndex];
    let departS: number;
    if (state === "G") {
      if (!lane.flowing) {
        lane.flowing = true;
        if (v.queued) lane.nextDepartureS = Math.max(lane.nextDepartureS, sinceS + this.startupLostS);
      }
      departS = Math.max(arrivalS, lane.nextDepartureS);
    } else if (state === "Y") {
      // Only a vehicle already on the move may enter, and only early in the yellow.
      if (v.queued && !lane.flowing) return Infinity;
      departS = Math.max(arrivalS, lane.nextDepartureS);
      if (departS - sinceS >= this.yellowEntryS) return Infinity;
    } else {
      lane.flowing = false;
      return Infinity;
    }
    if (v.turn === "left" && a.opposing !== null) departS = this.permissiveLeftDeparture(a.opposing, departS);
    return departS;
  }

  /**
   * A left turn facing opposing traffic that may move needs a gap of criticalGapS between opposing
   * through or right vehicles: it goes CONFLICT_CLEAR_S after the last one, if the next is far enough off.
   */
  private permissiveLeftDeparture(o: Approach, departS: number): number {
    const opposingMayMove = (i: number): boolean => o.signal[i] === "G" || o.signal[i] === "Y";
    if (!opposingMayMove(0) && !opposingMayMove(2)) return departS;
    const readyS = Math.max(departS, o.lastConflictDepartureS + CONFLICT_CLEAR_S);
    for (const lane of o.lanes) {
      for (const v of lane.vehicles) {
        if (v.turn === "left") {
          if (v.queued) break;
          continue;
        }
        if (!opposingMayMove(v.turnIndex)) break;
        // A queued opposing vehicle on green is about to go (or going); on yellow only if its queue is moving.
        if (v.queued) {
          if (o.signal[v.turnIndex] === "G" || lane.flowing) return Infinity;
          break;
        }
        const arrivalS = this.tS + v.distanceM / v.desiredMps;
        if (arrivalS < readyS + this.criticalGapS - CONFLICT_CLEAR_S) return Infinity;
        break;
      }
    }
    return readyS;
  }

  /** Under flash or dark: each head stops, then the one that has waited longest goes, one at a time. */
  private dischargeAllWayStop(x: Intersection, startS: number, endS: number, out: StopLineCrossing[]): void {
    for (;;) {
      let best: { a: Approach; lane: Lane; readyS: number; stoppedS: number } | null = null;
      for (const a of x.approaches) {
        for (const lane of a.lanes) {
          const head = lane.vehicles[0];
          if (head === undefined || !head.queued || !isAllWayStop(a.signal[head.turnIndex])) continue;
          const readyS = Math.max(startS, head.stoppedSinceS + ALL_WAY_DWELL_S, lane.nextDepartureS, x.allWayNextS);
          if (best === null || readyS < best.readyS || (readyS === best.readyS && head.stoppedSinceS < best.stoppedS)) {
            best = { a, lane, readyS, stoppedS: head.stoppedSinceS };
          }
        }
      }
      if (best === null || best.readyS >= endS) return;
      const head = best.lane.vehicles.shift();
      if (head === undefined) return;
      best.lane.nextDepartureS = best.readyS + ALL_WAY_LANE_HEADWAY_S * head.headwayFactor;
      x.allWayNextS = best.readyS + ALL_WAY_CLEAR_S * head.headwayFactor;
      this.depart(best.a, best.lane, head, best.readyS, out);
    }
  }

  private depart(a: Approach, lane: Lane, v: Vehicle, departS: number, out: StopLineCrossing[]): void {
    a.crossings++;
    if (v.queued && !v.stopCounted && departS - v.stoppedSinceS >= MIN_STOP_S) v.stops++;
    if (v.turn !== "left") a.lastConflictDepartureS = Math.max(a.lastConflictDepartureS, departS);
    out.push({
      tS: departS,
      intersectionId: a.intersection.id,
      approach: a.leg,
      turn: v.turn,
      lane: lane.index,
      vehicleId: v.id,
      class: v.cls,
    });
    const exit = a.exits[v.turnIndex];
    if (exit !== null) {
      this.pending.push({ vehicle: v, exit, departedS: departS });
      return;
    }
    this.exited++;
    this.totalDelayS += departS - v.enteredS - v.freeFlowS;
    this.totalStops += v.stops;
  }

  /** Move every vehicle of the lane for one step; returns how many are queued. */
  private moveLane(lane: Lane, startS: number, dtS: number): number {
    let queued = 0;
    let leader: Vehicle | null = null;
    for (const v of lane.vehicles) {
      const limitM = leader === null ? 0 : this.followingDistanceM(leader, v);
      const fromM = v.distanceM;
      const speedMps = v.queued ? Math.min(v.desiredMps, QUEUE_MOVE_UP_MPS) : v.desiredMps;
      const toM = Math.max(limitM, fromM - speedMps * dtS);
      v.distanceM = toM;
      v.speedMps = (fromM - toM) / dtS;
      if (!v.queued && toM <= limitM && (leader === null || leader.queued)) {
        v.queued = true;
        v.stoppedSinceS = startS + (fromM - limitM) / v.desiredMps;
      }
      if (v.queued) {
        queued++;
        if (!v.stopCounted && startS + dtS - v.stoppedSinceS >= MIN_STOP_S) {
          v.stops++;
          v.stopCounted = true;
        }
      }
      leader = v;
    }
    return queued;
  }

  /** Vehicles that crossed a stop line this step start down their link, as far as they got by `nowS`. */
  private placeTransfers(nowS: number): void {
    for (const { vehicle, exit, departedS } of this.pending) {
      vehicle.turnIndex = vehicle.choices.pick(exit.to.turning);
      vehicle.turn = TURNS[vehicle.turnIndex];
      vehicle.queued = false;
      vehicle.stopCounted = false;
      vehicle.desiredMps = this.desiredSpeedMps(exit.speedKmh, vehicle.maxSpeedKmh, vehicle.choices);
      vehicle.freeFlowS += exit.distanceM / vehicle.desiredMps;
      vehicle.freeArrivalS = departedS + exit.distanceM / vehicle.desiredMps;
      const travelledM = vehicle.desiredMps * (nowS - departedS);
      this.enterLane(exit.to, vehicle, Math.max(0, exit.distanceM - travelledM));
    }
    this.pending.length = 0;
  }

  private generateArrivals(startS: number, dtS: number): void {
    for (const d of this.demand) {
      const vehPerHour = flowAt(d.profile, startS + dtS / 2) * this.demandScale;
      const count = this.prng.poisson((vehPerHour * dtS) / 3600);
      for (let k = 0; k < count; k++) {
        const cls = VEHICLE_CLASSES[this.prng.pick(d.classWeights)];
        const spec = VEHICLE_SPECS[cls];
        const turnIndex = this.prng.pick(d.turning);
        const a = d.approach;
        const desiredMps = this.desiredSpeedMps(a.entrySpeedKmh, spec.maxSpeedKmh, this.prng);
        const id = this.nextVehicleId++;
        const v: Vehicle = {
          id,
          cls,
          lengthM: spec.lengthM,
          headwayFactor: spec.headwayFactor,
          maxSpeedKmh: spec.maxSpeedKmh,
          turn: TURNS[turnIndex],
          turnIndex,
          distanceM: a.entryDistanceM,
          speedMps: desiredMps,
          desiredMps,
          queued: false,
          stoppedSinceS: 0,
          stopCounted: false,
          stops: 0,
          enteredS: this.tS,
          freeFlowS: a.entryDistanceM / desiredMps,
          freeArrivalS: this.tS + a.entryDistanceM / desiredMps,
          choices: new Prng((Math.imul(this.seed | 0, 0x2c1b3c6d) ^ Math.imul(id, 0x297a2d39)) | 0),
        };
        this.entered++;
        this.enterLane(a, v, a.entryDistanceM);
      }
    }
  }

  private desiredSpeedMps(limitKmh: number, maxSpeedKmh: number, prng: Prng): number {
    const spread = Math.max(-2.5, Math.min(2.5, prng.normal())) * SPEED_SPREAD;
    return (Math.min(limitKmh, maxSpeedKmh) / 3.6) * (1 + spread);
  }

  /** Nearest to the stop line `v` may be behind `leader`: bumper to bumper in a queue, a time gap behind when moving. */
  private followingDistanceM(leader: Vehicle, v: Vehicle): number {
    const jamM = leader.distanceM + leader.lengthM + JAM_GAP_M;
    return leader.queued ? jamM : jamM + v.desiredMps * FOLLOW_GAP_S;
  }

  /** Join the least-loaded lane that serves the vehicle's turn, behind whoever is already there. */
  private enterLane(a: Approach, v: Vehicle, distanceM: number): void {
    const candidates = a.lanesByTurn[v.turnIndex];
    let lane = candidates[0];
    for (const l of candidates) if (l.vehicles.length < lane.vehicles.length) lane = l;
    const last = lane.vehicles[lane.vehicles.length - 1];
    v.distanceM = last === undefined ? distanceM : Math.max(distanceM, this.followingDistanceM(last, v));
    v.speedMps = v.desiredMps;
    lane.vehicles.push(v);
  }
}
