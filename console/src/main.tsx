import { render } from 'preact';
import { createApi } from './api.js';
import { App } from './app.js';
import { Session } from './session.js';
import './styles.css';

const session = new Session({ storage: localStorage });
const root = document.getElementById('app');
if (root) render(<App session={session} api={createApi(session)} />, root);
