/**
 * The engine's core: every symbol of CDK for Terraform (cdktf) the library uses, and the only
 * place in lib/ that imports it. `npm run build:cdktn` points this file at CDK Terrain (cdktn).
 */
export { Annotations, App, Aspects, AzurermBackend, DataResource, DefaultTokenResolver, Fn, Lazy, LocalBackend, S3Backend, StringConcat, TerraformDataSource, TerraformLocal, TerraformModule, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack, TerraformVariable, Token, Tokenization, dependable } from "cdktf";
export type { IAspect, ITerraformDependable } from "cdktf";
