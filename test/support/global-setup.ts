import { ferretDb, ferretDbBinary, ferretDbBuilt, ferretDbMissing } from '../../src/local/ferretdb';

/**
 * Before the layers that start servers run a test: the local DocumentDB server (FerretDB) is built here,
 * once per machine, within the build's own deadline, so that no test or hook spends its time on a build.
 * A build that fails is the reason the DocumentDB tests give (test/support/documentdb.ts).
 */
export default async function buildServers(): Promise<void> {
  if (ferretDbBuilt() || ferretDbMissing() || process.env.DOCUMENTDB_UNAVAILABLE) return;
  const started = Date.now();
  try {
    await ferretDbBinary((message) => console.log(`\n${message}`));
    console.log(`FerretDB ${ferretDb.version} built in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    // Workers inherit the environment of the process that runs this.
    process.env.DOCUMENTDB_UNAVAILABLE = (error as Error).message;
    console.warn(`\n${(error as Error).message}`);
  }
}
