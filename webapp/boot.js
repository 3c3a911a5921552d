// Starts the web cabinet. A file of its own: the server's content security policy allows no
// inline script (api/src/security_headers.rs).
import init from './webapp.js';
init();
