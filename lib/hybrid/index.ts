export * from "./tunnel-crypto";
export * from "./cross-cloud-link";
export * from "./on-prem-site";
