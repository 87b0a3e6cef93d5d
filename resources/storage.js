'use strict';

/**
 * The stage's storage engine (params.dbEngine): its resources only. PostgreSQL is Aurora and the
 * optional RDS Proxy; DocumentDB is its cluster, instance and secret. A stage never carries the
 * other engine's resources.
 */
const fragments = Object.freeze({
  postgres: ['database.yml', 'proxy.yml'],
  documentdb: ['documentdb.yml'],
});

module.exports = async ({ resolveVariable }) => {
  const engine = await resolveVariable('param:dbEngine');
  const files = fragments[engine];
  if (!files) throw new Error(`params.dbEngine must be one of ${Object.keys(fragments).join(', ')}, not ${engine}`);
  const merged = { Conditions: {}, Resources: {}, Outputs: {} };
  for (const file of files) {
    const fragment = await resolveVariable(`file(resources/${file})`);
    Object.assign(merged.Conditions, fragment.Conditions ?? {});
    Object.assign(merged.Resources, fragment.Resources);
    Object.assign(merged.Outputs, fragment.Outputs ?? {});
    if (fragment.Transform) merged.Transform = fragment.Transform;
  }
  return merged;
};

module.exports.fragments = fragments;
