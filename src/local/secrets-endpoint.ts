import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { listenOnLoopback } from './loopback-server';

/**
 * A loopback stand-in for AWS Secrets Manager's GetSecretValue, serving `<dir>/<name>.json`.
 * Functions in the local stage use the real SDK client and @middy/secrets-manager against it,
 * so local and AWS run one code path. Files are read on every call: edit one to rotate a secret.
 */
export interface SecretsEndpoint {
  url: string;
  /** How many GetSecretValue calls were answered, per secret name. */
  fetches: Map<string, number>;
  close(): Promise<void>;
}

const validName = /^[A-Za-z0-9_+=.@/-]+$/;

/** Accepts a plain name or an ARN (`arn:aws:secretsmanager:region:account:secret:name-AbCdEf`). */
function secretName(secretId: string): string | undefined {
  const name = secretId.startsWith('arn:')
    ? secretId
        .split(':')
        .slice(6)
        .join(':')
        .replace(/-[A-Za-z0-9]{6}$/, '')
    : secretId;
  return validName.test(name) && !name.split('/').includes('..') ? name : undefined;
}

function reply(response: http.ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

const notFound = (response: http.ServerResponse, id: string) =>
  reply(response, 400, { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret: ${id}` });

/** Serves `dir` on 127.0.0.1: on `port`, or on a free port that is none of `avoid` (ports others are about to take). */
export async function startSecretsEndpoint(dir: string, port = 0, avoid: number[] = []): Promise<SecretsEndpoint> {
  const fetches = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        if (target !== 'secretsmanager.GetSecretValue') {
          return reply(response, 400, { __type: 'UnknownOperationException', message: `Unsupported operation: ${target}` });
        }
        let secretId: string;
        try {
          secretId = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: unknown }).SecretId ?? '');
        } catch {
          return reply(response, 400, { __type: 'InvalidRequestException', message: 'The request body is not JSON' });
        }
        const name = secretName(secretId);
        if (!name) return notFound(response, secretId);
        let value: string;
        try {
          value = await fs.readFile(path.join(dir, `${name}.json`), 'utf8');
        } catch {
          return notFound(response, secretId);
        }
        fetches.set(name, (fetches.get(name) ?? 0) + 1);
        return reply(response, 200, {
          ARN: `arn:aws:secretsmanager:local:000000000000:secret:${name}`,
          Name: name,
          SecretString: value,
          VersionId: 'local',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        });
      })();
    });
  });
  const { url, close } = await listenOnLoopback(server, port, avoid);
  return { url, fetches, close };
}
