/** Types for resources/gateway.js, the API's front door: its domain, access log and throttling. */
export interface AccessLogMetric {
  name: string;
  pattern: string;
  byRoute: boolean;
}

/** Each access log field and the API Gateway variable it holds. */
export declare const accessLogFields: Readonly<Record<string, string>>;
export declare const accessLogFormat: string;
export declare function accessLogGroupName(service: string, stage: string): string;
export declare const accessLogMetrics: Readonly<Record<'clientErrors' | 'serverErrors' | 'throttled', AccessLogMetric>>;
