import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../lib/azure/network";
import { azureStack, resources, synth, validationErrorOf, withNetwork } from "./helpers";

describe("AzureNetwork", () => {
  it("creates a resource group, a VNet and compute, storage and gateway subnets carved from it", () => {
    const { stack, network } = withNetwork();
    const tf = synth(stack);
    expect(resources(tf, "azurerm_resource_group")).toEqual([{ name: "s-net", location: "eastus" }]);
    expect(resources(tf, "azurerm_virtual_network")[0]).toMatchObject({ address_space: ["10.20.0.0/16"], location: "eastus", name: "s-net-vnet" });
    const subnets = Object.fromEntries(resources(tf, "azurerm_subnet").map((s) => [s.name, s]));
    expect(subnets.compute).toMatchObject({ address_prefixes: ["10.20.0.0/17"], default_outbound_access_enabled: false });
    expect(subnets.storage).toMatchObject({ address_prefixes: ["10.20.128.0/24"], default_outbound_access_enabled: false });
    expect(subnets.GatewaySubnet.address_prefixes).toEqual(["10.20.255.224/27"]);
    expect(network).toMatchObject({ cloud: "azure", region: "eastus", location: "eastus", cidr: "10.20.0.0/16", computeSubnetCidr: "10.20.0.0/17", storageSubnetCidr: "10.20.128.0/24", gatewaySubnetCidr: "10.20.255.224/27" });
  });

  it("denies inbound internet traffic on the compute and storage subnets, and leaves the gateway subnet bare", () => {
    const tf = synth(withNetwork().stack);
    const nsgs = resources(tf, "azurerm_network_security_group");
    expect(nsgs).toHaveLength(2);
    for (const nsg of nsgs) {
      expect(nsg.security_rule).toEqual([expect.objectContaining({ access: "Deny", direction: "Inbound", source_address_prefix: "Internet", priority: 4000 })]);
    }
    const assoc = resources(tf, "azurerm_subnet_network_security_group_association").map((a) => a.subnet_id);
    expect(assoc.sort()).toEqual(["${azurerm_subnet.net_compute-subnet_828B940E.id}", "${azurerm_subnet.net_storage-subnet_C5FABCA2.id}"]);
  });

  it("routes outbound traffic of compute and storage through a NAT gateway with a Standard static IP", () => {
    const tf = synth(withNetwork().stack);
    expect(resources(tf, "azurerm_public_ip")[0]).toMatchObject({ allocation_method: "Static", sku: "Standard" });
    expect(resources(tf, "azurerm_nat_gateway")[0]).toMatchObject({ sku_name: "Standard" });
    expect(resources(tf, "azurerm_subnet_nat_gateway_association")).toHaveLength(2);
    const none = synth(withNetwork({ natGateway: false }).stack);
    expect(resources(none, "azurerm_nat_gateway")).toEqual([]);
    expect(resources(none, "azurerm_public_ip")).toEqual([]);
  });

  it("uses an existing resource group by name", () => {
    const { stack, network } = withNetwork({ resourceGroupName: "ml-platform" });
    const tf = synth(stack);
    expect(resources(tf, "azurerm_resource_group")).toEqual([]);
    expect(tf.data.azurerm_resource_group.net_rg_EAE86D03).toEqual({ name: "ml-platform" });
    expect(network.resourceGroupName).toBe("ml-platform");
    expect(resources(tf, "azurerm_virtual_network")[0].resource_group_name).toBe("ml-platform");
  });

  it("sizes the storage subnet on request, on a small VNet too", () => {
    expect(withNetwork({ storageSubnetPrefix: 23 }).network.storageSubnetCidr).toBe("10.20.128.0/23");
    const small = new AzureNetwork(azureStack(), "net", { cidr: "10.30.0.0/22", location: "westus3" });
    expect([small.computeSubnetCidr, small.storageSubnetCidr, small.gatewaySubnetCidr]).toEqual(["10.30.0.0/23", "10.30.2.0/24", "10.30.3.224/27"]);
  });

  describe("validation", () => {
    it("needs a literal cidr, since the subnets are computed at synth", () => {
      const stack = azureStack();
      const cidr = new TerraformVariable(stack, "cidr", { type: "string" }).stringValue;
      expect(validationErrorOf(() => new AzureNetwork(stack, "net", { cidr, location: "eastus" }))).toMatch(
        /^s\/net: cidr "\$\{TfToken\[TOKEN\.\d+\]\}" is not valid: use a literal CIDR such as 10\.20\.0\.0\/16 \(the subnets are computed from it at synth\), not a Terraform reference or variable$/,
      );
    });

    const make = (props: Partial<ConstructorParameters<typeof AzureNetwork>[2]>) => () => new AzureNetwork(azureStack(), "net", { cidr: "10.20.0.0/16", location: "eastus", ...props });
    it.each([
      [{ cidr: "10.20.0.0/24" }, 's/net: cidr "10.20.0.0/24" is not valid: use a prefix length from 16 to 22'],
      [{ cidr: "172.16.0.0/16" }, 's/net: cidr "172.16.0.0/16" is not valid: use a block outside 172.16.0.0/16, which InfiniBand VMs reserve for RDMA'],
      [{ cidr: "10.20.0.1/16" }, 's/net: cidr "10.20.0.1/16" is not valid: host bits are set: use 10.20.0.0/16'],
      [{ location: "East US" }, 's/net: location "East US" is not valid: use an Azure location name such as eastus'],
      [{ storageSubnetPrefix: 28 }, "s/net: storageSubnetPrefix 28 is not valid: use a whole number from 17 to 27"],
      [{ location: "marsnorth" }, 's/net: location "marsnorth" is not valid: use an Azure location name such as eastus (`az account list-locations -o table` lists them; a location newer than the library is an issue to report)'],
      [{ storageSubnetPrefix: 17 }, "s/net: storageSubnetPrefix 17 is not valid: use a smaller storage subnet: a /17 leaves no room for the /27 GatewaySubnet in 10.20.128.0/17"],
      [{ resourceGroupName: "" }, 's/net: resourceGroupName "" is not valid: use a non-empty string'],
      [{ location: undefined }, "s/net: location (missing) is not valid: set location, or build the network in a TeamStack with azure.location"],
      [{ cidr: "169.254.0.0/16" }, 's/net: cidr "169.254.0.0/16" is not valid: use a block outside 169.254.0.0/16, which Azure refuses in a virtual network'],
      [{ cidr: "127.0.0.0/16" }, 's/net: cidr "127.0.0.0/16" is not valid: use a block outside 127.0.0.0/8, which Azure refuses in a virtual network'],
      [{ cidr: "224.0.0.0/16" }, 's/net: cidr "224.0.0.0/16" is not valid: use a block outside 224.0.0.0/4, which Azure refuses in a virtual network'],
      [{ cidr: "168.63.0.0/16" }, 's/net: cidr "168.63.0.0/16" is not valid: use a block outside 168.63.129.16/32, which Azure refuses in a virtual network'],
      [{ cidr: "0.0.0.0/16" }, 's/net: cidr "0.0.0.0/16" is not valid: use a block outside 0.0.0.0/8, which Azure refuses in a virtual network'],
    ])("%j", (props, message) => {
      expect(validationErrorOf(make(props))).toBe(message);
    });

    it("accepts a /27 storage subnet (Managed Lustre's smallest, for up to 16 TiB)", () => {
      expect(make({ storageSubnetPrefix: 27 })().storageSubnetCidr).toBe("10.20.128.0/27");
    });

    it("accepts locations with and without availability zones", () => {
      for (const location of ["westus", "northcentralus", "westus3", "swedencentral"]) expect(make({ location })().location).toBe(location);
    });

    it("accepts the blocks right next to the refused ones", () => {
      for (const cidr of ["168.62.0.0/16", "126.0.0.0/16", "1.0.0.0/16", "10.20.0.0/16"]) expect(make({ cidr })()).toBeInstanceOf(AzureNetwork);
    });
  });
});
