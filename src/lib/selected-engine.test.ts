/* eslint-disable @typescript-eslint/no-require-imports -- modules loaded afresh, in the test */
import { fresh } from '../../test/support/fresh';
import type * as PostgresSchema from './db/schema';
import type * as DocumentDbSchema from './documentdb/schema';
import type * as SelectedEngine from './selected-engine';

/** What a container selects with DB_ENGINE as the bundle defines it (esbuild's `define`). */
const select = (engine: string | undefined) =>
  fresh(
    () => {
      const { selectedEngine, selectedSchema } = require('./selected-engine') as typeof SelectedEngine;
      return {
        engine: selectedEngine(),
        schema: selectedSchema(),
        postgresSchema: (require('./db/schema') as typeof PostgresSchema).postgresSchema,
        documentDbSchema: (require('./documentdb/schema') as typeof DocumentDbSchema).documentDbSchema,
      };
    },
    { DB_ENGINE: engine },
  );

describe('the selected engine', () => {
  it('is DocumentDB where the stage names it, with its default port and its schema steps', () => {
    const selected = select('documentdb');
    expect(selected.engine).toMatchObject({ name: 'documentdb', secretDefaults: { port: 27017 } });
    expect(selected.schema).toBe(selected.documentDbSchema);
  });

  it.each([['postgres'], [undefined], ['DocumentDB']])(
    'is PostgreSQL otherwise (DB_ENGINE=%s), with its default port and migrations',
    (engine) => {
      const selected = select(engine);
      expect(selected.engine).toMatchObject({ name: 'postgres', secretDefaults: { port: 5432 } });
      expect(selected.schema).toBe(selected.postgresSchema);
    },
  );
});
