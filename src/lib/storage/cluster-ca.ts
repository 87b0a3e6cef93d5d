import fs from 'node:fs';

let cached: { file: string; pem: string } | undefined;

/**
 * The file of CA certificates a verified TLS connection to the cluster trusts: Lambda's Node.js
 * runtimes keep Amazon's (RDS's and DocumentDB's among them) in /var/runtime/ca-cert.pem and load
 * them only when asked; `DB_CA_FILE` names another. Read when a connection is made, not at start.
 */
export function clusterCaFile(): string {
  return process.env.DB_CA_FILE || '/var/runtime/ca-cert.pem';
}

/** That file's certificates, read on the first verified connection rather than bundled. */
export function clusterCa(file = clusterCaFile()): string {
  if (cached?.file !== file) cached = { file, pem: fs.readFileSync(file, 'utf8') };
  return cached.pem;
}
