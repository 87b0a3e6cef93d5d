import { defineResource } from '../../lib/resource/resource';
import { idPath, listQuery, pageOf } from '../../lib/resource/schemas';
import { usersIndexSteps } from './indexes';
import { userInputSchema, userSchema } from './model';

/** The users resource: its routes, scopes and contract. Its handlers are in handlers/. */
export const users = defineResource({
  name: 'users',
  singular: 'user',
  description: 'Create, read, list, replace and delete users',
  scopes: { read: 'Read users', write: 'Create, replace and delete users' },
  conflict: 'the email is taken',
  schemas: { item: userSchema, input: userInputSchema },
  examples: {
    item: {
      id: '01890000-0000-7000-8000-000000000000',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      createdAt: '2026-12-01T09:30:00.000Z',
      updatedAt: '2026-12-01T09:30:00.000Z',
    },
    input: { email: 'ada@example.com', name: 'Ada Lovelace' },
  },
  indexSteps: usersIndexSteps,
  routes: {
    create: {
      method: 'POST',
      path: '/api/users',
      access: 'write',
      idempotent: true,
      summary: 'Create a user',
      description:
        'Creates a user with a server-chosen id. The email is stored trimmed and lower-cased, and no two users share one. A retry with the same Idempotency-Key and body gets the first response.',
      request: { body: userInputSchema },
      response: { status: 201, description: 'Created', schema: userSchema },
    },
    list: {
      method: 'GET',
      path: '/api/users',
      access: 'read',
      summary: 'List users, a page at a time, in a stable order',
      description:
        'Users in the order they were created, `limit` at a time (20 by default); pass `next` as `cursor` for the following page.',
      request: { query: listQuery },
      response: { status: 200, description: 'A page; `next` is the cursor of the following one, or null', schema: pageOf(userSchema) },
    },
    get: {
      method: 'GET',
      path: '/api/users/{id}',
      access: 'read',
      summary: 'Read a user',
      description: 'The user with this id, as last written.',
      request: { path: idPath },
      response: { status: 200, description: 'The user', schema: userSchema },
    },
    update: {
      method: 'PUT',
      path: '/api/users/{id}',
      access: 'write',
      idempotent: true,
      summary: "Replace a user's email and name",
      description: "Replaces the user's email and name, and moves `updatedAt`; the email may not be another user's.",
      request: { path: idPath, body: userInputSchema },
      response: { status: 200, description: 'The user as replaced', schema: userSchema },
    },
    delete: {
      method: 'DELETE',
      path: '/api/users/{id}',
      access: 'write',
      idempotent: true,
      summary: 'Delete a user',
      description: 'Deletes the user; a repeated delete with the same Idempotency-Key gets the first response.',
      request: { path: idPath },
      response: { status: 204, description: 'Deleted' },
    },
  },
});
