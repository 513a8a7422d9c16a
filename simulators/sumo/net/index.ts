/** Reading a SUMO network: its lights' links, programs and right-of-way tables. */
export { readNet, parseNet, type SumoNet, type NetTlLogic, type NetPhase, type NetConnection, type NetJunction, type NetEdge } from "./read-net.js";
export { tlsLayout, programOf, trafficLightIds, groupOfLink, safeId, type TlsLayout, type TlsLink, type LinkGroup, type ProgramPhase } from "./tls-layout.js";
