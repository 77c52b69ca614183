/**
 * The settings every storage account the library creates shares: Standard LRS, TLS 1.2 and HTTPS
 * only, no public blobs, infrastructure encryption, and Entra ID only (no shared keys, OAuth by
 * default in the portal). Spread into an `azurerm_storage_account`'s config.
 */
export const PRIVATE_STORAGE_ACCOUNT = {
  accountTier: "Standard",
  accountReplicationType: "LRS",
  minTlsVersion: "TLS1_2",
  httpsTrafficOnlyEnabled: true,
  allowNestedItemsToBePublic: false,
  infrastructureEncryptionEnabled: true,
  sharedAccessKeyEnabled: false,
  defaultToOauthAuthentication: true,
} as const;
