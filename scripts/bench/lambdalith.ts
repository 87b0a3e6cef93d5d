/**
 * The baseline the per-route functions are measured against: every test contacts route in one Express 5
 * function behind @codegenie/serverless-express, with pg, full zod and the same rules, the way a
 * team porting an App Runner service would first put it on Lambda. Bundled like the project's
 * functions by scripts/bench.ts; not deployed.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import serverlessExpress from '@codegenie/serverless-express';
import express, { type ErrorRequestHandler, type Request } from 'express';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';

const limitMessage = 'must be a whole number from 1 to 100, in decimal digits';
const userInput = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be a valid email address')),
  name: z
    .string()
    .transform((name) => name.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(200)
        .regex(/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u)
        .refine((name) => !/\p{Cc}/u.test(name)),
    ),
});
const listQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, limitMessage)
    .transform(Number)
    .pipe(z.number().min(1).max(100))
    .default(20),
  cursor: z.string().min(1).max(200).optional(),
});
const idParam = z.object({ id: z.uuid() });

const columns = 'id, email, name, created_at as "createdAt", updated_at as "updatedAt"';
const secrets = new SecretsManagerClient({});
let pool: Promise<Pool> | undefined;
const database = () =>
  (pool ??= secrets.send(new GetSecretValueCommand({ SecretId: process.env.DB_SECRET_ID })).then(({ SecretString }) => {
    const secret = JSON.parse(SecretString!) as { host: string; port: number; username: string; password: string; dbname: string };
    return new Pool({ ...secret, user: secret.username, database: secret.dbname, max: 1 });
  }));

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
const parse = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return result.data;
};
const userId = (request: Request) => {
  const result = idParam.safeParse(request.params);
  if (!result.success) throw new HttpError(404, 'No resource exists at this path');
  return result.data.id;
};
const one = (rows: unknown[]) => {
  if (!rows[0]) throw new HttpError(404, 'No user has this id');
  return rows[0];
};

const app = express();
app.use(express.json({ limit: '16kb' }));
app.get('/api/test-contacts', async (request, response) => {
  const { limit, cursor } = parse(listQuery, request.query);
  const db = await database();
  const { rows } = cursor
    ? await db.query(`select ${columns} from test_contacts where id > $1 order by id limit $2`, [cursor, limit + 1])
    : await db.query(`select ${columns} from test_contacts order by id limit $1`, [limit + 1]);
  response.json({ items: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1].id : null });
});
app.post('/api/test-contacts', async (request, response) => {
  const input = parse(userInput, request.body);
  const db = await database();
  // The project's statement (an insert that a retry cannot repeat), so that both pay the same database work.
  const { rows } = await db.query(
    `with inserted as (insert into test_contacts (id, email, name) values ($1, $2, $3) on conflict (id) do nothing returning *)
     select ${columns} from inserted union all select ${columns} from test_contacts where id = $1 and not exists (select 1 from inserted)`,
    [uuidv7(), input.email, input.name],
  );
  response.status(201).location(`/api/test-contacts/${rows[0].id}`).json(rows[0]);
});
app.get('/api/test-contacts/:id', async (request, response) => {
  const id = userId(request);
  const db = await database();
  response.json(one((await db.query(`select ${columns} from test_contacts where id = $1`, [id])).rows));
});
app.put('/api/test-contacts/:id', async (request, response) => {
  const id = userId(request);
  const input = parse(userInput, request.body);
  const db = await database();
  const { rows } = await db.query(`update test_contacts set email = $2, name = $3, updated_at = now() where id = $1 returning ${columns}`, [
    id,
    input.email,
    input.name,
  ]);
  response.json(one(rows));
});
app.delete('/api/test-contacts/:id', async (request, response) => {
  const id = userId(request);
  const db = await database();
  const { rowCount } = await db.query('delete from test_contacts where id = $1', [id]);
  if (!rowCount) throw new HttpError(404, 'No user has this id');
  response.status(204).end();
});
// Express tells an error handler from a route by its four parameters.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const errors: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  const status = error instanceof HttpError ? error.status : 500;
  response
    .status(status)
    .type('application/problem+json')
    .json({ status, title: status === 500 ? 'Internal Server Error' : (error as Error).message });
};
app.use(errors);

export const handler = serverlessExpress({ app });
