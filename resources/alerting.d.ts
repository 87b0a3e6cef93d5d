/** What the error subscriptions of resources/alerting.js match. */
export declare const errorPattern: string;
/** What the alerts function's delivery-failure metric counts. */
export declare const deliveryFailurePattern: string;
