/* eslint-disable @typescript-eslint/no-require-imports -- modules loaded afresh, in the test */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { testAuthEnv, testToken } from '../../../test/support/auth';
import { fresh, withEnv } from '../../../test/support/fresh';
import type * as Errors from '../errors';
import type * as Logger from '../logger';
import type * as Authenticate from './authenticate';
import type * as Verifier from './verifier';
import { serviceName } from '../../../test/support/names';

/** A container's modules, loaded afresh (the tests' issuer is in the environment), the verifier and the logger watched. */
function container() {
  return fresh(() => {
    const verifier = require('./verifier') as typeof Verifier;
    const created = jest.spyOn(verifier, 'createTokenVerifier');
    const { logger } = require('../logger') as typeof Logger;
    const appended = jest.spyOn(logger, 'appendKeys');
    const { AccessDeniedError } = require('../errors') as typeof Errors;
    return { ...(require('./authenticate') as typeof Authenticate), created, appended, AccessDeniedError };
  });
}

const request = (authorization?: string) => ({
  event: { headers: authorization === undefined ? {} : { authorization } } as unknown as APIGatewayProxyEventV2,
  context: {} as { caller?: Authenticate.Caller },
});

afterEach(() => jest.restoreAllMocks());

describe('authenticate', () => {
  it('puts the verified caller on the context and on the log lines, never the token', async () => {
    const { authenticate, appended } = container();
    const middleware = authenticate({ scope: 'test-contacts.read' });
    const token = testToken({ scopes: ['test-contacts.read'] });
    const received = request(`Bearer ${token}`);
    await middleware.before!(received as never);
    expect(received.context.caller).toMatchObject({ scopes: [`${serviceName}/test-contacts.read`] });
    const caller = received.context.caller!;
    expect(appended).toHaveBeenCalledWith({ caller: { subject: caller.subject, clientId: caller.clientId, scopes: caller.scopes } });
    expect(JSON.stringify(appended.mock.calls)).not.toContain(token);
  });

  it("refuses a token without the route's scope, and a request without a token, before the handler", async () => {
    const { authenticate, AccessDeniedError } = container();
    const middleware = authenticate({ scope: 'test-contacts.write' });
    const readOnly = request(`Bearer ${testToken({ scopes: ['test-contacts.read'] })}`);
    await expect(middleware.before!(readOnly as never)).rejects.toMatchObject({
      bearerError: 'insufficient_scope',
      scope: `${serviceName}/test-contacts.write`,
    });
    await expect(middleware.before!(request() as never)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(readOnly.context.caller).toBeUndefined();
  });

  it('makes one verifier per container, when the first route is built', () => {
    const { authenticate, created } = container();
    expect(created).not.toHaveBeenCalled();
    authenticate({ scope: 'test-contacts.read' });
    authenticate({ scope: 'test-contacts.write' });
    expect(created).toHaveBeenCalledTimes(1);
    expect(created.mock.calls[0]![0]).toMatchObject({ issuer: testAuthEnv().AUTH_ISSUER });
  });

  it('fails when the route is built, at cold start, where the settings are wrong', () => {
    const { authenticate } = container();
    expect(() => withEnv({ AUTH_ISSUER: undefined }, () => authenticate({ scope: 'test-contacts.read' }))).toThrow(/AUTH_ISSUER/);
  });
});
