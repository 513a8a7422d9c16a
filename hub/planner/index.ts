export { Planner, type PlannedPlan, type PlannerIntersection, type PlanningState } from "./planner.js";
export { PlanQueue, type PlanQueueOptions } from "./plan-queue.js";
