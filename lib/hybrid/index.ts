export * from "./tunnel-crypto";
export * from "./admit";
export * from "./apipa";
export * from "./asn";
export * from "./cross-cloud-link";
export * from "./on-prem-site";
