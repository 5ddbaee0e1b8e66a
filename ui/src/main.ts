import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";
import api from "./lib/api";
import { SessionStore } from "./lib/session.svelte";
import { afterPaint } from "./lib/paint";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

const session = new SessionStore(api);
mount(App, { target, props: { session, api } });
void session.load();

afterPaint(() => session.markPainted("first_paint"));
