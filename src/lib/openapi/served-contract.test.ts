import { servedContract } from './served-contract';

const contract = Object.freeze({
  openapi: '3.1.0',
  servers: [{ url: 'http://127.0.0.1:3000', description: 'The local stage (npm start)' }],
  paths: {},
});

it('names the stage domain first among the servers, and keeps the others', () => {
  expect(servedContract(contract, 'api.example.com')).toEqual({
    ...contract,
    servers: [{ url: 'https://api.example.com', description: "This stage's own domain" }, ...contract.servers],
  });
  expect(contract.servers).toHaveLength(1);
});

it('serves the contract as generated where the stage has no domain', () => {
  expect(servedContract(contract, '')).toBe(contract);
  expect(servedContract(contract, undefined)).toBe(contract);
});
