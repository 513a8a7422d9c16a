export { Planner, type PlannedPlan } from "./planner.js";
