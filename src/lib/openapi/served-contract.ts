/**
 * The contract as a stage serves it: the stage's own domain (the apiDomainName param), when it has
 * one, first among the servers, so that a client's tools call the stage where its users reach it.
 */
export function servedContract(contract: Readonly<Record<string, unknown>>, domain: string | undefined): Record<string, unknown> {
  if (!domain) return contract;
  const servers = (contract.servers as unknown[] | undefined) ?? [];
  return { ...contract, servers: [{ url: `https://${domain}`, description: "This stage's own domain" }, ...servers] };
}
