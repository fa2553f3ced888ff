import { createApp } from './server/app.js';

/** Entry point for `probot run`: reads APP_ID, PRIVATE_KEY(_PATH), WEBHOOK_SECRET from the environment. */
export default createApp({ drainOnSigterm: true });
