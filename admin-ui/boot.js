// Starts the admin app. A file of its own: the server's content security policy allows no
// inline script on /admin-panel/ (api/src/security_headers.rs).
import init from './admin-ui.js';
init();
