/** Types for resources/stage.js: a stage's kind, and whether AWS can take its name. */
export type StageKind = 'local' | 'preview' | 'named';

export declare function stageKind(stage: string): StageKind;
export declare function stageNameProblem(stage: string, context: { service: string; functionNames: string[] }): string | undefined;
