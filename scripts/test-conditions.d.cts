/** Types for scripts/test-conditions.cjs. */
export declare const testCondition: string;
export declare function underTest(): boolean;
export declare const esbuildPlugin: { name: string; setup(build: unknown): void };
