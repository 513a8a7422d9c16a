export { Planner, type PlannedPlan } from "./planner.js";
export { PlanQueue, type PlanQueueOptions } from "./plan-queue.js";
