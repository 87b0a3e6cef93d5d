import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { resourceServer } from '../../src/api/functions';
import { loadAuthConfig } from '../../src/lib/auth/config';
import { fetchJwksDocument } from '../../src/lib/auth/jwks-document';
import { createTokenVerifier } from '../../src/lib/auth/verifier';
import { AccessDeniedError } from '../../src/lib/errors';
import { motoMissing, startMoto, type Moto } from '../support/moto';

/**
 * Tokens that a Cognito user pool signs (moto's, with Cognito's claims and RS256 keys), through the
 * verifier the functions use and the JWKS the deploy hands them. moto's user tokens carry only
 * Cognito's own scope, so a verified token ends at the scope check: 403, where a bad one is 401.
 */
(motoMissing ? describe.skip : describe)('access tokens of a Cognito user pool', () => {
  let moto: Moto;
  let poolId: string;
  let clientId: string;
  let accessToken: string;
  let idToken: string;

  beforeAll(async () => {
    moto = await startMoto();
    const cognito = new CognitoIdentityProviderClient({
      endpoint: moto.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: `${resourceServer}-test` }))).UserPool!.Id!;
      clientId = (
        await cognito.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'machine',
            ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          }),
        )
      ).UserPoolClient!.ClientId!;
      await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ada' }));
      await cognito.send(
        new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ada', Password: 'Correct-Horse-1', Permanent: true }),
      );
      const auth = await cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'ada', PASSWORD: 'Correct-Horse-1' },
        }),
      );
      accessToken = auth.AuthenticationResult!.AccessToken!;
      idToken = auth.AuthenticationResult!.IdToken!;
    } finally {
      cognito.destroy();
    }
  });

  afterAll(() => moto?.stop());

  const issuerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).iss as string;
  const jwksUri = () => `${moto.url}/${poolId}/.well-known/jwks.json`;
  const statusOf = async (env: Record<string, string>, token: string) => {
    const verifier = createTokenVerifier(
      loadAuthConfig({
        AUTH_ISSUER: issuerOf(accessToken),
        AUTH_CLIENT_IDS: clientId,
        AUTH_RESOURCE_SERVER: resourceServer,
        AUTH_JWKS_URI: jwksUri(),
        ...env,
      }),
    );
    try {
      await verifier.verify(token, 'test-contacts.read');
      return 200;
    } catch (error) {
      return `${(error as AccessDeniedError).statusCode} ${(error as AccessDeniedError).bearerError}`;
    }
  };

  it("verifies the pool's signature and claims, fetching its JWKS, and then asks for the route's scope", async () => {
    expect(issuerOf(accessToken)).toContain(poolId);
    expect(await statusOf({}, accessToken)).toBe('403 insufficient_scope');
  });

  it('verifies the same with the JWKS that the deploy fetches and hands over, with no fetch of its own', async () => {
    const jwks = await fetchJwksDocument(jwksUri());
    expect(JSON.parse(jwks).keys[0]).toEqual({
      kid: expect.any(String),
      kty: 'RSA',
      n: expect.any(String),
      e: 'AQAB',
      alg: 'RS256',
      use: 'sig',
    });
    expect(
      await statusOf(
        { AUTH_JWKS: jwks, AUTH_JWKS_URI: 'https://cognito-idp.eu-west-1.amazonaws.com/none/.well-known/jwks.json' },
        accessToken,
      ),
    ).toBe('403 insufficient_scope');
  });

  it("refuses the pool's token for another client, its ID token, and a token of another pool's issuer", async () => {
    expect(await statusOf({ AUTH_CLIENT_IDS: 'another-client' }, accessToken)).toBe('401 invalid_token');
    expect(await statusOf({}, idToken)).toBe('401 invalid_token');
    expect(await statusOf({ AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' }, accessToken)).toBe(
      '401 invalid_token',
    );
  });

  it('makes the deploy fail, not the functions, when the JWKS is not one', async () => {
    await expect(fetchJwksDocument(`${moto.url}/moto-api/`)).rejects.toThrow(/is not a JWKS of RSA signing keys|answered/);
  });
});
