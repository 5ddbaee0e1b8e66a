import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";
import api from "./lib/api";
import { SessionStore } from "./lib/session.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

const session = new SessionStore(api);
mount(App, { target, props: { session } });
void session.load();

// Tell Rust once the first frame is on screen: the next frame starts after this one painted.
requestAnimationFrame(() => {
  requestAnimationFrame(() => {
    api.reportPainted().catch(() => {});
  });
});
