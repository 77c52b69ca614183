import { DataAzurermResourceGroup, NatGateway, NatGatewayPublicIpAssociation, NetworkSecurityGroup, PublicIp, ResourceGroup, type StorageAccount, Subnet, SubnetNatGatewayAssociation, SubnetNetworkSecurityGroupAssociation, VirtualNetwork } from "../engine/azurerm";
import { Annotations, Token } from "../engine/core";
import { Construct } from "constructs";
import { AZURE_REFUSED_RANGES, DOCKER_BRIDGE, formatCidr, lastAddress, overlaps, parseCidr, split } from "../core/cidr";
import { AddressPlan, registerAddresses } from "../core/address-plan";
import { AZURE_LOCATION_CONTEXT, type INetwork } from "../core/contracts";
import { NAME_RULES, nameFromPath, type NameRule } from "../core/naming";
import { Validator } from "../core/validate";
import { checkFlowLogOptions, vnetFlowLog, type AzureFlowLogOptions, type VnetFlowLogResources } from "./flow-log";
import { denyInternetInbound } from "./node-firewall";

/** Props of {@link AzureNetwork}. */
export interface AzureNetworkProps {
  /**
   * The VNet's IPv4 block, a literal prefix from /16 to /22 (not a Terraform token: the subnets
   * are computed at synth). Its first half is the compute subnet; the
   * second half starts with the storage subnet (Managed Lustre) and ends with a /27
   * `GatewaySubnet` reserved for the hybrid VPN gateway. It may not overlap 172.16.0.0/16,
   * which InfiniBand-enabled VMs use for their RDMA network.
   * @default - the next free block of the app's AddressPlan (a /16 of 10.0.0.0/8 unless configured)
   */
  readonly cidr?: string;
  /**
   * Azure location (region), e.g. `eastus`.
   * @default - the stack's default Azure location (a TeamStack's `azure.location`; an error when there is none)
   */
  readonly location?: string;
  /**
   * An existing resource group to put the network in.
   * @default - a new resource group named after the construct path
   */
  readonly resourceGroupName?: string;
  /**
   * Prefix length of the storage subnet, from one more than the VNet's to 27. Azure Managed
   * Lustre needs a /27 for up to 16 TiB, a /26 up to 40, /25 up to 92, /24 up to 196 and /23 up
   * to 400 TiB (its prerequisites page); the storage subnet holds nothing else.
   * @default 24 - room for a file system of up to 196 TiB
   */
  readonly storageSubnetPrefix?: number;
  /**
   * A NAT gateway (with a Standard static public IP) for outbound internet from the compute and
   * storage subnets; without it, VMs have no outbound internet access at all.
   * @default true
   */
  readonly natGateway?: boolean;
  /**
   * VNet flow logs: every IP flow of the virtual network (allowed or denied, with bytes and
   * packets), recorded by the location's Network Watcher into a storage account and kept 90 days;
   * `false` turns them off. InfiniBand traffic between GPU nodes does not cross the virtual network
   * and is not in them. See {@link AzureFlowLogOptions} for the watcher, retention, an existing
   * account and traffic analytics.
   * @default - on: Azure's watcher (NetworkWatcher_<location> in NetworkWatcherRG), a new storage
   * account that admits only trusted Azure services, 90 days
   */
  readonly flowLogs?: boolean | AzureFlowLogOptions;
}

/** The block InfiniBand VMs reserve for their RDMA network (Azure docs, "Set up InfiniBand"). */
export const AZURE_RDMA_RESERVED_CIDR = "172.16.0.0/16";

/**
 * A VNet for GPU clusters on Azure: a resource group (new or existing), a compute subnet, a
 * storage subnet sized for Managed Lustre, a `GatewaySubnet` for the hybrid link, network security
 * groups that deny inbound traffic from the internet, a NAT gateway for outbound traffic, and VNet
 * flow logs.
 *
 * ```ts
 * const net = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus" });
 * ```
 */
export class AzureNetwork extends Construct implements INetwork {
  public readonly cloud = "azure" as const;
  /** The location; `region` in the cross-cloud contract. */
  public readonly region: string;
  public readonly location: string;
  public readonly cidr: string;
  /** Name of the resource group everything is in. */
  public readonly resourceGroupName: string;
  /** The resource group, when this construct created it. */
  public readonly resourceGroup?: ResourceGroup;
  /** Resource ID of the resource group (a reference, known at apply). */
  public readonly resourceGroupId: string;
  public readonly virtualNetwork: VirtualNetwork;
  public readonly computeSubnet: Subnet;
  public readonly storageSubnet: Subnet;
  /** Reserved for a VPN gateway (no NSG, no NAT, as Azure requires). */
  public readonly gatewaySubnet: Subnet;
  public readonly computeSubnetCidr: string;
  public readonly storageSubnetCidr: string;
  public readonly gatewaySubnetCidr: string;
  public readonly computeSecurityGroup: NetworkSecurityGroup;
  public readonly storageSecurityGroup: NetworkSecurityGroup;
  public readonly natGateway?: NatGateway;
  /** The VNet flow log, unless turned off. */
  public readonly flowLog?: VnetFlowLogResources["flowLog"];
  /**
   * The account the flow logs go to, when the network created it: Entra ID only (no shared keys),
   * behind a firewall that admits trusted Azure services alone, so the azurerm provider that
   * manages it needs `features: [{ storage: [{ dataPlaneAvailable: false }] }]` (it otherwise reads
   * the account's queue and static-website properties through that firewall).
   */
  public readonly flowLogStorageAccount?: StorageAccount;

  constructor(scope: Construct, id: string, props: AzureNetworkProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    // The subnets are cut from the block at synth, so it cannot wait for apply.
    if (props.cidr !== undefined && Token.isUnresolved(props.cidr)) v.fail("cidr", props.cidr, "use a literal CIDR such as 10.20.0.0/16 (the subnets are computed from it at synth), not a Terraform reference or variable");
    this.cidr = v.cidr("cidr", props.cidr ?? AddressPlan.of(this).allocate(this), { min: 16, max: 22 });
    v.check(!overlaps(this.cidr, AZURE_RDMA_RESERVED_CIDR), "cidr", this.cidr, `use a block outside ${AZURE_RDMA_RESERVED_CIDR}, which InfiniBand VMs reserve for RDMA`);
    const refused = AZURE_REFUSED_RANGES.find((r) => overlaps(this.cidr, r));
    v.check(refused === undefined, "cidr", this.cidr, `use a block outside ${refused}, which Azure refuses in a virtual network`);
    if (overlaps(this.cidr, DOCKER_BRIDGE)) Annotations.of(this).addWarning(`${this.node.path}: cidr ${this.cidr} overlaps ${DOCKER_BRIDGE}, Docker's default bridge on the GPU images: containers cannot reach addresses there`);
    const location = props.location ?? this.node.tryGetContext(AZURE_LOCATION_CONTEXT) ?? v.fail("location", undefined, "set location, or build the network in a TeamStack with azure.location");
    this.location = this.region = v.azureLocation("location", location);
    const prefix = parseCidr(this.cidr).prefix;
    const storagePrefix = v.integer("storageSubnetPrefix", props.storageSubnetPrefix ?? 24, { min: prefix + 1, max: 27 });
    const flowLogs = checkFlowLogOptions(v, this.location, props.flowLogs);

    const [computeHalf, upperHalf] = split(this.cidr, prefix + 1);
    this.computeSubnetCidr = computeHalf!;
    this.storageSubnetCidr = split(upperHalf!, storagePrefix, 1)[0]!;
    const gateway = { network: lastAddress(this.cidr) - 31, prefix: 27 };
    this.gatewaySubnetCidr = formatCidr(gateway);
    v.check(!overlaps(this.storageSubnetCidr, this.gatewaySubnetCidr), "storageSubnetPrefix", storagePrefix, `use a smaller storage subnet: a /${storagePrefix} leaves no room for the /27 GatewaySubnet in ${upperHalf}`);

    registerAddresses(this, [
      { field: "cidr", cidr: this.cidr, kind: "network" },
      { field: "compute subnet", cidr: this.computeSubnetCidr, kind: "subnet", parent: this.cidr },
      { field: "storage subnet", cidr: this.storageSubnetCidr, kind: "subnet", parent: this.cidr },
      { field: "GatewaySubnet", cidr: this.gatewaySubnetCidr, kind: "subnet", parent: this.cidr },
    ]);

    if (props.resourceGroupName !== undefined) {
      // Read at plan time, so a missing group fails the plan rather than the first resource.
      const existing = new DataAzurermResourceGroup(this, "rg", { name: v.nonEmpty("resourceGroupName", props.resourceGroupName) });
      this.resourceGroupName = props.resourceGroupName;
      this.resourceGroupId = existing.id;
    } else {
      this.resourceGroup = new ResourceGroup(this, "rg", { name: nameFromPath(this.node.path, NAME_RULES.azureResourceGroup), location: this.location });
      this.resourceGroupName = this.resourceGroup.name;
      this.resourceGroupId = this.resourceGroup.id;
    }
    const rg = this.resourceGroupName;
    const name = (suffix: string, rule: NameRule = NAME_RULES.azureGeneric) => nameFromPath(this.node.path, rule, suffix);

    this.virtualNetwork = new VirtualNetwork(this, "vnet", { name: name("vnet", NAME_RULES.azureVirtualNetwork), resourceGroupName: rg, location: this.location, addressSpace: [this.cidr] });
    const subnet = (sid: string, subnetName: string, cidr: string) =>
      new Subnet(this, sid, {
        name: subnetName,
        resourceGroupName: rg,
        virtualNetworkName: this.virtualNetwork.name,
        addressPrefixes: [cidr],
        // Nothing leaves through Azure's implicit default outbound access: NAT or nothing.
        ...(sid === "gateway-subnet" ? {} : { defaultOutboundAccessEnabled: false }),
      });
    this.computeSubnet = subnet("compute-subnet", "compute", this.computeSubnetCidr);
    this.storageSubnet = subnet("storage-subnet", "storage", this.storageSubnetCidr);
    this.gatewaySubnet = subnet("gateway-subnet", "GatewaySubnet", this.gatewaySubnetCidr);

    const denyInternet = denyInternetInbound("Nothing from the internet reaches GPU nodes or storage");
    this.computeSecurityGroup = new NetworkSecurityGroup(this, "compute-nsg", { name: name("compute-nsg", NAME_RULES.azureNetworkSecurityGroup), resourceGroupName: rg, location: this.location, securityRule: [denyInternet] });
    this.storageSecurityGroup = new NetworkSecurityGroup(this, "storage-nsg", { name: name("storage-nsg", NAME_RULES.azureNetworkSecurityGroup), resourceGroupName: rg, location: this.location, securityRule: [denyInternet] });
    const nsgAssociations = [
      new SubnetNetworkSecurityGroupAssociation(this, "compute-nsg-assoc", { subnetId: this.computeSubnet.id, networkSecurityGroupId: this.computeSecurityGroup.id }),
      new SubnetNetworkSecurityGroupAssociation(this, "storage-nsg-assoc", { subnetId: this.storageSubnet.id, networkSecurityGroupId: this.storageSecurityGroup.id }),
    ];

    if (props.natGateway ?? true) {
      const ip = new PublicIp(this, "nat-ip", { name: name("nat-ip"), resourceGroupName: rg, location: this.location, allocationMethod: "Static", sku: "Standard" });
      this.natGateway = new NatGateway(this, "nat", { name: name("nat"), resourceGroupName: rg, location: this.location, skuName: "Standard" });
      new NatGatewayPublicIpAssociation(this, "nat-ip-assoc", { natGatewayId: this.natGateway.id, publicIpAddressId: ip.id });
      new SubnetNatGatewayAssociation(this, "compute-nat", { subnetId: this.computeSubnet.id, natGatewayId: this.natGateway.id });
      new SubnetNatGatewayAssociation(this, "storage-nat", { subnetId: this.storageSubnet.id, natGatewayId: this.natGateway.id });
    }

    if (flowLogs) {
      const created = vnetFlowLog(
        {
          scope: this,
          virtualNetworkId: this.virtualNetwork.id,
          location: this.location,
          resourceGroupName: rg,
          resourceGroupId: this.resourceGroupId,
          after: [this.gatewaySubnet, ...nsgAssociations],
        },
        flowLogs,
      );
      this.flowLog = created.flowLog;
      this.flowLogStorageAccount = created.storageAccount;
    }
  }
}
