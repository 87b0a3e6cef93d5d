import { defineResource } from '../../lib/resource/resource';
import { idPath, listQuery, pageOf } from '../../lib/resource/schemas';
import { usersIndexSteps } from './indexes';
import { userInputSchema, userSchema } from './model';

/** The users resource: its routes, scopes and contract. Its handlers are in src/handlers/users/. */
export const users = defineResource({
  name: 'users',
  singular: 'user',
  description: 'Create, read, list, replace and delete users',
  scopes: { read: 'Read users', write: 'Create, replace and delete users' },
  conflict: 'the email is taken',
  schemas: { item: userSchema, input: userInputSchema },
  indexSteps: usersIndexSteps,
  routes: {
    create: {
      method: 'POST',
      path: '/api/users',
      access: 'write',
      idempotent: true,
      summary: 'Create a user',
      request: { body: userInputSchema },
      response: { status: 201, description: 'Created', schema: userSchema },
    },
    list: {
      method: 'GET',
      path: '/api/users',
      access: 'read',
      summary: 'List users, a page at a time, in a stable order',
      request: { query: listQuery },
      response: { status: 200, description: 'A page; `next` is the cursor of the following one, or null', schema: pageOf(userSchema) },
    },
    get: {
      method: 'GET',
      path: '/api/users/{id}',
      access: 'read',
      summary: 'Read a user',
      request: { path: idPath },
      response: { status: 200, description: 'The user', schema: userSchema },
    },
    update: {
      method: 'PUT',
      path: '/api/users/{id}',
      access: 'write',
      idempotent: true,
      summary: "Replace a user's email and name",
      request: { path: idPath, body: userInputSchema },
      response: { status: 200, description: 'The user as replaced', schema: userSchema },
    },
    delete: {
      method: 'DELETE',
      path: '/api/users/{id}',
      access: 'write',
      idempotent: true,
      summary: 'Delete a user',
      request: { path: idPath },
      response: { status: 204, description: 'Deleted' },
    },
  },
});
