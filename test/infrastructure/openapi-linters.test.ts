import { contractText } from '../../src/api/contract';
import { openApiLinterFindings } from '../support/openapi-linters';

/**
 * The contract as consumers' tools see it: Spectral's `spectral:oas` and Redocly's `recommended`
 * rulesets, with the configs at the top of the project. The served document is linted by
 * test/e2e/contract.test.ts.
 */
describe('the OpenAPI linters', () => {
  it('find nothing in the generated document', async () => {
    expect(await openApiLinterFindings(contractText)).toEqual([]);
  });

  it('find what a consumer would trip on: no servers, an operation without a description or a 4xx, an example its schema refuses', async () => {
    const document = JSON.parse(contractText);
    delete document.servers;
    const live = document.paths['/api/health/live'].get;
    delete live.description;
    delete live.responses['429'];
    const operations = Object.values<Record<string, any>>(document.paths).flatMap((item) => Object.values(item));
    const bodyExample = operations.find((operation) => operation.requestBody).requestBody.content['application/json'].example;
    bodyExample[Object.keys(bodyExample)[0]!] = 42;
    const findings = await openApiLinterFindings(JSON.stringify(document, null, 2));
    const found = findings.map(({ linter, rule }) => `${linter} ${rule}`).sort();
    expect(found).toEqual([
      'redocly no-empty-servers',
      'redocly no-invalid-media-type-examples',
      'redocly operation-4xx-response',
      'spectral oas3-api-servers',
      'spectral operation-description',
    ]);
  });
});
