/** The digest of the migrations folder that makes CloudFormation run the release's migrations again. */
export declare function migrationsDigest(dir: string): string;
