/**
 * Azure limits the planner and the Azure constructs both apply: facts about the cloud, kept with
 * the catalog's other facts so each has one home.
 */

/**
 * Most VMs one Azure scale set holds with a single placement group, which InfiniBand needs
 * (Azure docs, "Set up InfiniBand"; a support request can raise it to 300).
 */
export const AZURE_MAX_NODES_PER_CLUSTER = 100;
