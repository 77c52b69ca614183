import { App } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import data from "./catalog/data/x.json";
export const x = [App, Vpc, data];
