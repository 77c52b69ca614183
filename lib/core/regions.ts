/**
 * The clouds' regions and their zones, for synth-time checks that a region and a zone exist.
 * Pure data; the Validator checks regions and locations against it. Sources: AWS "Regions and
 * Zones" and "AZ IDs for your AWS resources" pages, and Azure's "Azure regions list"
 * (learn.microsoft.com/azure/reliability/regions-list), as read in 2026. Clouds add regions and
 * zones: a region missing here is refused with a message saying how to report it; zone counts are
 * upper bounds (an account may see fewer zones than a region has).
 */

/** An AWS region and the Availability Zone IDs it has. */
export interface AwsRegionFacts {
  /** Region code, e.g. `us-east-1`. */
  readonly name: string;
  /** Prefix of its zone IDs, e.g. `use1` (zone IDs are `use1-az1`, Local Zones `use1-atl2-az1`). */
  readonly zoneIdPrefix: string;
  /** Highest zone ID number, e.g. 6 for `use1-az6`. */
  readonly zoneIds: number;
}

const aws = (name: string, zoneIdPrefix: string, zoneIds = 3): AwsRegionFacts => ({ name, zoneIdPrefix, zoneIds });

/** AWS commercial, GovCloud and China regions. */
export const AWS_REGIONS: readonly AwsRegionFacts[] = [
  aws("us-east-1", "use1", 6), aws("us-east-2", "use2"), aws("us-west-1", "usw1"), aws("us-west-2", "usw2", 4),
  aws("ca-central-1", "cac1", 4), aws("ca-west-1", "caw1"), aws("mx-central-1", "mxc1"), aws("sa-east-1", "sae1"),
  aws("eu-central-1", "euc1"), aws("eu-central-2", "euc2"), aws("eu-west-1", "euw1"), aws("eu-west-2", "euw2"),
  aws("eu-west-3", "euw3"), aws("eu-south-1", "eus1"), aws("eu-south-2", "eus2"), aws("eu-north-1", "eun1"),
  aws("il-central-1", "ilc1"), aws("me-south-1", "mes1"), aws("me-central-1", "mec1"), aws("af-south-1", "afs1"),
  aws("ap-east-1", "ape1"), aws("ap-east-2", "ape2"), aws("ap-south-1", "aps1"), aws("ap-south-2", "aps2"),
  aws("ap-northeast-1", "apne1", 4), aws("ap-northeast-2", "apne2", 4), aws("ap-northeast-3", "apne3"),
  aws("ap-southeast-1", "apse1"), aws("ap-southeast-2", "apse2"), aws("ap-southeast-3", "apse3"),
  aws("ap-southeast-4", "apse4"), aws("ap-southeast-5", "apse5"), aws("ap-southeast-7", "apse7"),
  aws("us-gov-west-1", "usgw1"), aws("us-gov-east-1", "usge1"), aws("cn-north-1", "cnn1", 4), aws("cn-northwest-1", "cnnw1"),
];

/** The facts of an AWS region; undefined for a region not in the table. */
export function awsRegion(name: string): AwsRegionFacts | undefined {
  return AWS_REGIONS.find((r) => r.name === name);
}

/** The region a zone ID belongs to (`use1-az4` → us-east-1), by its prefix; undefined when no region has the prefix. */
export function awsRegionOfZoneId(zoneId: string): AwsRegionFacts | undefined {
  const prefix = zoneId.split("-")[0];
  return AWS_REGIONS.find((r) => r.zoneIdPrefix === prefix);
}

/**
 * Why a zone (ID or name) is not a zone of `region`, or undefined when it can be one. Zone IDs
 * must carry the region's prefix and a number up to the region's highest; Local and Wavelength
 * Zone IDs (`use1-atl2-az1`) only the prefix. Zone names must be the region plus one letter.
 * A text shaped like neither is a format problem, which the caller reports.
 */
export function awsZoneProblem(zone: string, region: AwsRegionFacts): string | undefined {
  const id = /^([a-z]+\d+)(-[a-z]+\d+[a-z]?)?-az(\d+)$/.exec(zone);
  if (id) {
    if (id[1] !== region.zoneIdPrefix) {
      const owner = awsRegionOfZoneId(zone);
      return owner ? `${zone} is in ${owner.name}` : `zone IDs of ${region.name} start with ${region.zoneIdPrefix}-`;
    }
    if (id[2] === undefined && Number(id[3]) > region.zoneIds) return `${region.name} has zone IDs ${region.zoneIdPrefix}-az1 to ${region.zoneIdPrefix}-az${region.zoneIds}`;
    return undefined;
  }
  const name = AWS_ZONE_NAME.exec(zone);
  if (name && name[1] !== region.name) return `${zone} is in ${name[1]}`;
  return undefined;
}

/** An AWS zone ID: `use1-az4`, or a Local Zone's `use1-atl2-az1`. */
export const AWS_ZONE_ID = /^[a-z]+\d+(-[a-z]+\d+[a-z]?)?-az\d+$/;
/** An AWS zone name: `us-east-1a`, or a Local Zone's `us-east-1-atl-2a` (group `us-east-1-atl-2`, zone a). */
export const AWS_ZONE_NAME = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)(?:[a-z]|-[a-z]+-\d+[a-z])$/;

/** An Azure location and whether it has availability zones. */
export interface AzureLocationFacts {
  /** Programmatic name, e.g. `eastus`. */
  readonly name: string;
  /** True when the location has availability zones 1, 2 and 3. */
  readonly zones: boolean;
}

/** Azure public-cloud locations with availability zones. */
const ZONED = [
  "australiaeast", "austriaeast", "belgiumcentral", "brazilsouth", "canadacentral", "centralindia", "centralus", "chilecentral",
  "eastasia", "eastus", "eastus2", "francecentral", "germanywestcentral", "indonesiacentral", "israelcentral", "italynorth",
  "japaneast", "japanwest", "koreacentral", "malaysiawest", "mexicocentral", "newzealandnorth", "northeurope", "norwayeast",
  "polandcentral", "qatarcentral", "southafricanorth", "southcentralus", "southeastasia", "spaincentral", "swedencentral",
  "switzerlandnorth", "uaenorth", "uksouth", "westeurope", "westus2", "westus3", "usgovvirginia", "chinanorth3",
];
/** Azure locations without availability zones (including access-restricted ones). */
const UNZONED = [
  "australiacentral", "australiacentral2", "australiasoutheast", "brazilsoutheast", "canadaeast", "francesouth", "germanynorth",
  "jioindiacentral", "jioindiawest", "koreasouth", "northcentralus", "norwaywest", "southafricawest", "southindia",
  "swedensouth", "switzerlandwest", "uaecentral", "ukwest", "westcentralus", "westindia", "westus",
  "usgovarizona", "usgovtexas", "chinaeast2", "chinanorth2",
];

/** Azure locations, with their zone support. */
export const AZURE_LOCATIONS: readonly AzureLocationFacts[] = [
  ...ZONED.map((name) => ({ name, zones: true })),
  ...UNZONED.map((name) => ({ name, zones: false })),
].sort((a, b) => a.name.localeCompare(b.name));

/** The facts of an Azure location; undefined for a location not in the table. */
export function azureLocation(name: string): AzureLocationFacts | undefined {
  return AZURE_LOCATIONS.find((l) => l.name === name);
}
