'use strict';

/**
 * What a stage is, from its name alone, and whether AWS can take that name in every resource the
 * stage makes. `local` runs under sls offline; `pr-<number>` is a pull request's preview
 * (.github/workflows/preview.yml), which takes `params.preview`; any other name (dev, staging, prod,
 * alice) is a stage someone named, with the defaults and its own params.
 */

const { loadTypeScript } = require('./typescript');

const { awsNamePattern } = loadTypeScript('../src/lib/aws-names');
const previewPattern = /^pr-[1-9]\d*$/;

/** `local`, `preview` or `named`. */
function stageKind(stage) {
  if (stage === 'local') return 'local';
  return previewPattern.test(stage) ? 'preview' : 'named';
}

/** The Cognito domain prefix (resources/auth.yml) ends with the 12-digit account id. */
const accountIdLength = 12;
/** Words Cognito refuses in a domain prefix. */
const cognitoReservedWords = Object.freeze(['aws', 'amazon', 'cognito']);

/**
 * The names the stage gives its resources, each with AWS's limit on its length: the longest name
 * of each kind sets how long a stage name may be.
 */
function stageNames(service, stage, functionNames) {
  const longestFunction = functionNames.reduce((longest, name) => (name.length > longest.length ? name : longest), '');
  return [
    { what: `the function ${service}-${stage}-${longestFunction}`, length: `${service}-${stage}-${longestFunction}`.length, max: 64 },
    // The engines' rotation functions (resources/database.yml, documentdb.yml).
    { what: `the function ${service}-${stage}-rotate-documentdb`, length: `${service}-${stage}-rotate-documentdb`.length, max: 64 },
    { what: `the database cluster ${service}-${stage}`, length: `${service}-${stage}`.length, max: 63 },
    // The role CloudFormation deploys the stage with (resources/github-deploy.yml).
    { what: `the role ${service}-${stage}-cloudformation`, length: `${service}-${stage}-cloudformation`.length, max: 64 },
    {
      what: `the user pool's domain ${service}-${stage}-<account id>`,
      length: `${service}-${stage}-`.length + accountIdLength,
      max: 63,
    },
  ];
}

/**
 * Why AWS cannot take `stage` as this service's stage name, or undefined when it can: every
 * resource name it goes into takes lowercase letters, digits and single hyphens, starting with a
 * letter (a database cluster's identifier is the strictest), within each one's length.
 */
function stageNameProblem(stage, { service, functionNames }) {
  if (stage === 'local') return undefined;
  if (!awsNamePattern.test(stage)) {
    return (
      `stage name "${stage}" cannot be used in AWS: it goes into the names of the stage's database cluster, user pool domain and ` +
      'functions, which take lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen'
    );
  }
  const reserved = cognitoReservedWords.find((word) => stage.includes(word));
  if (reserved) return `stage name "${stage}" cannot be used in AWS: Cognito refuses "${reserved}" in the user pool's domain`;
  const tooLong = stageNames(service, stage, functionNames).find(({ length, max }) => length > max);
  if (tooLong) {
    const room = tooLong.max - (tooLong.length - stage.length);
    return `stage name "${stage}" is too long for ${tooLong.what} (${tooLong.length} characters, AWS takes ${tooLong.max}): at most ${room} characters here`;
  }
  return undefined;
}

module.exports = { stageKind, stageNameProblem };
