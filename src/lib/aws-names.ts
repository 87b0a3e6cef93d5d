/**
 * A name AWS takes in every resource a stage makes with it (a database cluster's identifier is the strictest):
 * lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen. The service's
 * name and every stage's go into them.
 */
export const awsNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
