// devkit/sim/sim.js — the chat simulator page's behaviour.
//
// It keeps no state of its own worth saving: the emulator holds the chats.
// The page long-polls /sim/api/updates for every message changed since the
// last change number it saw (new, edited, deleted) and redraws those
// messages in the panes that show their chat. Typing, commands, button
// presses, contact and location go to /sim/api/* as the pane's persona.
// What Telegram shows outside the messages is drawn too: the bot's answer
// to a button press as a toast (or an alert box), and the reply keyboard
// the newest bot message set (its request_contact button shares the
// persona's own number, as Telegram does).
//
// The shop's channel is drawn as its subscribers see it: posts with their
// photos (an album as one group of photos) and no composer; a post's
// [Order] button (a t.me link starting the bot) opens the bot as the
// current customer persona, as Telegram opens it for whoever pressed it.
//
// URL parameters: ?user=ID&name=NAME&lang=ru opens the customer pane as a
// given Telegram user (the browser test uses a fresh id per run, so /start
// meets a user the bot has never seen); ?staff=1 adds the florists' and
// couriers' chats; ?marketing=1 the marketer's chat and the shop's channel.
"use strict";

const sim = {
  seq: 0,
  bot: null,
  personas: new Map(),   // key -> {key, id, first_name, language_code, chat}
  chats: new Map(),      // id -> {id, title, type, actor, shop}
  customer: "customer",  // the persona a channel post's [Order] button acts as
  messages: new Map(),   // chat id -> Map(message_id -> message)
  panes: [],             // {chat, persona, el, list}
};

const BUKHARA = { latitude: 39.7747, longitude: 64.4286 };  // Labi-hovuz, for "Share location"

// {=====================================================================
// Talking to the emulator
// ======================================================================

async function api(method, path, body) {
  const res = await fetch("/sim/api/" + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || res.status + " " + res.statusText);
  return data;
}

function status(text, isError) {
  const el = document.getElementById("status");
  el.textContent = text;
  el.classList.toggle("error", !!isError);
}

// The emulator's answer, or null when it failed (the status line says why).
async function act(path, body) {
  try {
    const r = await api("POST", path, body);
    status("sent");
    return r;
  } catch (e) {
    status(e.message, true);
    return null;
  }
}

// Long poll: each answer carries the changes after `since` and the new
// change number; an empty answer after the wait is normal.
async function pollForever() {
  for (;;) {
    try {
      const r = await api("GET", "updates?since=" + sim.seq + "&wait=20");
      const changes = Array.isArray(r.changes) ? r.changes : [];
      for (const c of changes) applyChange(c.chat, c.message);
      sim.seq = Math.max(sim.seq, r.seq || 0);
      status("connected");
    } catch (e) {
      status("emulator unreachable: " + e.message, true);
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  }
}

// }=====================================================================

// {=====================================================================
// Drawing messages
// ======================================================================

// Telegram's entities (offsets in UTF-16 units, which is what JS strings
// index) as elements; nested entities are drawn as their outer one.
function renderText(text, entities) {
  const frag = document.createDocumentFragment();
  const list = (Array.isArray(entities) ? entities : []).slice().sort((a, b) => a.offset - b.offset);
  let pos = 0;
  for (const e of list) {
    if (e.offset < pos) continue;
    frag.append(text.slice(pos, e.offset));
    const part = text.slice(e.offset, e.offset + e.length);
    const tag = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code",
                  pre: "pre", spoiler: "span", text_link: "a", url: "a" }[e.type];
    if (!tag) { frag.append(part); pos = e.offset + e.length; continue; }
    const el = document.createElement(tag);
    el.textContent = part;
    if (tag === "a") { el.href = e.url || part; el.target = "_blank"; el.rel = "noopener"; }
    frag.append(el);
    pos = e.offset + e.length;
  }
  frag.append(text.slice(pos));
  return frag;
}

// A t.me link that starts this bot (`?start=payload`): the simulator sends
// "/start payload" instead of leaving the page, as Telegram would.
function deepLinkPayload(url) {
  if (!sim.bot || !sim.bot.username) return null;
  const m = /^https?:\/\/t\.me\/([A-Za-z0-9_]+)\?start=([A-Za-z0-9_-]{1,64})$/.exec(url || "");
  return m && m[1].toLowerCase() === sim.bot.username.toLowerCase() ? m[2] : null;
}

// A deep link pressed in a private chat starts the bot as that chat's
// persona; pressed in a group or the channel, as the current customer
// (who is the one reading the channel), whose chat comes into view.
function openBot(pane, payload) {
  let persona = pane.persona;
  if (pane.chat < 0 && sim.personas.has(sim.customer)) {
    persona = sim.customer;
    openPane(sim.personas.get(persona).chat, persona);
  }
  act("send", { persona, text: "/start " + payload });
}

// A Payme or Click checkout link opens the simulator's pay page, which
// plays the provider against the shop (devkit/sim/pay.html).
function payPageUrl(url) {
  if (/^https?:\/\/(checkout|test)\.paycom\.uz\//.test(url || "") ||
      /^https?:\/\/my\.click\.uz\/services\/pay/.test(url || "")) {
    return "/sim/pay?url=" + encodeURIComponent(url);
  }
  return null;
}

function keyboard(pane, m) {
  const rows = m.reply_markup && m.reply_markup.inline_keyboard;
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const box = document.createElement("div");
  box.className = "ikb";
  for (const row of rows) {
    const r = document.createElement("div");
    r.className = "row";
    for (const b of Array.isArray(row) ? row : []) {
      if (b.url) {
        const a = document.createElement("a");
        a.textContent = b.text;
        a.href = payPageUrl(b.url) || b.url;
        a.target = "_blank";
        a.rel = "noopener";
        const payload = deepLinkPayload(b.url);
        if (payload) {
          a.dataset.start = payload;
          a.addEventListener("click", (ev) => {
            ev.preventDefault();
            openBot(pane, payload);
          });
        }
        r.append(a);
        continue;
      }
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.text;
      btn.dataset.callback = b.callback_data || "";
      btn.title = b.callback_data ? "callback_data: " + b.callback_data : "not a callback button";
      btn.disabled = !b.callback_data;
      btn.addEventListener("click", async () => {
        btn.disabled = true;
        const r = await act("press", { persona: pane.persona, chat: pane.chat, message_id: m.message_id, data: b.callback_data });
        btn.disabled = false;
        if (r && r.answer && r.answer.text) toast(pane, r.answer.text, r.answer.show_alert);
      });
      r.append(btn);
    }
    box.append(r);
  }
  return box;
}

// {=====================================================================
// Outside the messages: toasts and the reply keyboard
// ======================================================================

const TOAST_MS = 4000;   // how long a toast stays (Telegram's is about as long)

// The text of an answerCallbackQuery: a toast that goes by itself, or with
// show_alert a box that stays until OK.
function toast(pane, text, alert) {
  const box = pane.el.querySelector(".toast");
  box.querySelector(".toast-text").textContent = text;
  box.classList.toggle("alert", !!alert);
  box.hidden = false;
  clearTimeout(pane.toastTimer);
  if (!alert) pane.toastTimer = setTimeout(() => { box.hidden = true; }, TOAST_MS);
}

// A bot message with a reply keyboard sets the pane's keyboard, one with
// remove_keyboard takes it away; a message without either leaves it. Only
// the newest such message counts (history is drawn in any order).
function replyKeyboard(pane, m) {
  const rm = m._reply_keyboard;
  if (m._role !== "bot" || !rm || !(Array.isArray(rm.keyboard) || rm.remove_keyboard)) return;
  if (pane.kbFrom && m.message_id < pane.kbFrom) return;
  pane.kbFrom = m.message_id;
  const box = pane.el.querySelector(".rkb");
  box.replaceChildren();
  box.hidden = !Array.isArray(rm.keyboard);
  if (box.hidden) return;
  for (const row of rm.keyboard) {
    const r = document.createElement("div");
    r.className = "row";
    for (const raw of Array.isArray(row) ? row : []) {
      const b = typeof raw === "string" ? { text: raw } : raw;
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.text;
      btn.dataset.request = b.request_contact ? "contact" : b.request_location ? "location" : "";
      btn.addEventListener("click", async () => {
        if (rm.one_time_keyboard) box.hidden = true;
        if (b.request_contact) await act("contact", { persona: pane.persona });
        else if (b.request_location) await act("location", { persona: pane.persona, ...BUKHARA });
        else await act("send", { persona: pane.persona, chat: pane.chat, text: b.text });
      });
      r.append(btn);
    }
    box.append(r);
  }
}

// }=====================================================================

function messageElement(pane, m) {
  const li = document.createElement("li");
  li.className = "msg " + (m._role === "bot" ? "bot" : "user");
  li.dataset.id = m.message_id;
  li.dataset.role = m._role;
  if (m.edit_date) li.classList.add("edited");
  if (m._role !== "bot" && pane.chat < 0) {
    const from = document.createElement("div");
    from.className = "from";
    from.textContent = m._from;
    li.append(from);
  }
  if (Array.isArray(m.photo) && m.photo.length > 0) {
    const img = document.createElement("img");
    img.className = "photo";
    img.alt = "photo";
    img.src = "/sim/file/" + encodeURIComponent(m.photo[m.photo.length - 1].file_id);
    // the picture arrives after the message is placed: keep the chat's
    // bottom in view if it was
    img.addEventListener("load", () => {
      const list = pane.list;
      if (list.scrollHeight - list.scrollTop - list.clientHeight < img.height + 120) list.scrollTop = list.scrollHeight;
    });
    li.append(img);
  }
  const body = m.text !== undefined ? m.text : m.caption;
  if (typeof body === "string" && body !== "") {
    const t = document.createElement("div");
    t.className = "text";
    t.append(renderText(body, m.text !== undefined ? m.entities : m.caption_entities));
    li.append(t);
  } else if (m.contact) {
    const t = document.createElement("div");
    t.className = "service";
    t.textContent = "Contact: " + m.contact.phone_number;
    li.append(t);
  } else if (m.location) {
    const t = document.createElement("div");
    t.className = "service";
    t.textContent = "Location: " + m.location.latitude + ", " + m.location.longitude;
    li.append(t);
  }
  const kb = keyboard(pane, m);
  if (kb) li.append(kb);
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = "#" + m.message_id + " · " + new Date((m.edit_date || m.date || 0) * 1000).toLocaleTimeString();
  li.append(meta);
  return li;
}

// Puts message m into every pane showing its chat: replaced in place when
// edited, removed when deleted, inserted in message_id order when new.
function applyChange(chatId, m) {
  if (!sim.messages.has(chatId)) sim.messages.set(chatId, new Map());
  const store = sim.messages.get(chatId);
  if (m._deleted) store.delete(m.message_id); else store.set(m.message_id, m);
  for (const pane of sim.panes) {
    if (pane.chat === chatId) drawMessage(pane, m);
  }
}

// An album (sendMediaGroup: messages sharing a media_group_id) as one
// bubble: its photos in a grid, the caption one of them carries, the
// first message's id. parts: the album's messages, in message_id order.
function albumElement(pane, parts) {
  const first = parts[0];
  const li = document.createElement("li");
  li.className = "msg album " + (first._role === "bot" ? "bot" : "user");
  li.dataset.id = first.message_id;
  li.dataset.role = first._role;
  li.dataset.group = first.media_group_id;
  const grid = document.createElement("div");
  grid.className = "album-grid";
  let caption = null;
  for (const m of parts) {
    const photo = messageElement(pane, m).querySelector("img.photo");
    if (photo) grid.append(photo);
    if (!caption && typeof m.caption === "string" && m.caption !== "") caption = m;
  }
  li.append(grid);
  if (caption) {
    const t = document.createElement("div");
    t.className = "text";
    t.append(renderText(caption.caption, caption.caption_entities));
    li.append(t);
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = "#" + first.message_id + "–" + parts[parts.length - 1].message_id + " · album of " + parts.length;
  li.append(meta);
  return li;
}

// Puts li (the message or album whose first id is id) into the pane,
// replacing old if there is one, else in message_id order.
function place(pane, li, id, old) {
  const list = pane.list;
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  if (old) {
    old.replaceWith(li);
  } else {
    let next = null;
    for (const el of list.children) {
      if (Number(el.dataset.id) > id) { next = el; break; }
    }
    list.insertBefore(li, next);
  }
  if (nearBottom || !old) list.scrollTop = list.scrollHeight;
}

// An album is drawn again whole whenever one of its messages changes.
function drawAlbum(pane, group) {
  const store = sim.messages.get(pane.chat) || new Map();
  const parts = [...store.values()].filter((x) => x.media_group_id === group)
    .sort((a, b) => a.message_id - b.message_id);
  const old = [...pane.list.querySelectorAll("li[data-group]")].find((el) => el.dataset.group === group);
  if (parts.length === 0) { if (old) old.remove(); return; }
  place(pane, albumElement(pane, parts), parts[0].message_id, old);
}

function drawMessage(pane, m) {
  if (m.media_group_id) { drawAlbum(pane, m.media_group_id); return; }
  const old = pane.list.querySelector(`li[data-id="${m.message_id}"]`);
  if (m._deleted) { if (old) old.remove(); return; }
  replyKeyboard(pane, m);
  place(pane, messageElement(pane, m), m.message_id, old);
}

// }=====================================================================

// {=====================================================================
// Panes
// ======================================================================

function paneTitle(chat, persona) {
  const c = sim.chats.get(chat);
  if (c && c.shop) {
    const customer = sim.personas.get(sim.customer);
    return { title: c.title, sub: "the shop's channel " + chat + " · [Order] opens the bot as " +
                                  (customer ? customer.first_name : "the customer") };
  }
  if (c) return { title: c.title, sub: c.type + " " + chat + " · acting as " + persona.first_name };
  return { title: persona.first_name, sub: "private chat with the bot · user " + persona.id };
}

function openPane(chat, personaKey) {
  const existing = sim.panes.find((p) => p.chat === chat);
  if (existing) { existing.el.scrollIntoView({ behavior: "smooth", inline: "center" }); return existing; }
  const persona = sim.personas.get(personaKey);
  const el = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
  const pane = { chat, persona: personaKey, el, list: el.querySelector(".messages") };
  el.dataset.chat = chat;
  el.dataset.persona = personaKey;
  const t = paneTitle(chat, persona);
  el.querySelector(".pane-title").textContent = t.title;
  el.querySelector(".pane-sub").textContent = t.sub;
  el.querySelector(".pane-close").addEventListener("click", () => {
    sim.panes = sim.panes.filter((p) => p !== pane);
    el.remove();
  });
  const input = el.querySelector(".composer input");
  el.querySelector(".composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    act("send", { persona: personaKey, chat, text });
  });
  el.querySelector(".cmd-start").addEventListener("click", () => act("send", { persona: personaKey, chat, text: "/start" }));
  el.querySelector(".share-contact").addEventListener("click", () => {
    const phone = prompt("Phone number to share", "+998901234567");
    if (phone) act("contact", { persona: personaKey, phone });
  });
  el.querySelector(".share-location").addEventListener("click", () => {
    const v = prompt("Latitude, longitude to share", BUKHARA.latitude + ", " + BUKHARA.longitude);
    if (!v) return;
    const [lat, lon] = v.split(",").map((s) => Number(s.trim()));
    act("location", { persona: personaKey, latitude: lat, longitude: lon });
  });
  el.querySelector(".toast-ok").addEventListener("click", () => { el.querySelector(".toast").hidden = true; });
  el.querySelector(".send-photo").addEventListener("click", () => act("photo", { persona: personaKey }));
  if (chat < 0) el.querySelector(".share").hidden = true;
  // subscribers read the shop's channel; only the bot posts there
  if (sim.chats.get(chat) && sim.chats.get(chat).shop) el.querySelector(".composer").hidden = true;
  document.getElementById("panes").append(el);
  sim.panes.push(pane);
  for (const m of (sim.messages.get(chat) || new Map()).values()) drawMessage(pane, m);
  return pane;
}

function fillChatMenu() {
  const sel = document.getElementById("open-chat");
  sel.length = 1;
  for (const p of sim.personas.values()) {
    sel.add(new Option(p.first_name + " (private chat)", "p:" + p.key));
  }
  for (const c of sim.chats.values()) {
    sel.add(new Option(c.title + " (" + c.type + ")", "c:" + c.id));
  }
}

function addPersona(p) {
  sim.personas.set(p.key, p);
  fillChatMenu();
}

// A group pane acts as the chat's own persona (the florist in the florists'
// channel, the courier in the couriers' group), else the owner if there is
// one, else the first persona.
function actorForGroups(chatId) {
  const c = sim.chats.get(chatId);
  if (c && c.actor && sim.personas.has(c.actor)) return c.actor;
  return sim.personas.has("owner") ? "owner" : sim.personas.keys().next().value;
}

// }=====================================================================

async function main() {
  const state = await api("GET", "state");
  sim.bot = state.bot;
  document.getElementById("bot-name").textContent = "@" + (state.bot && state.bot.username || "bot");
  for (const p of Array.isArray(state.personas) ? state.personas : []) sim.personas.set(p.key, p);
  for (const c of Array.isArray(state.chats) ? state.chats : []) sim.chats.set(c.id, c);

  const q = new URLSearchParams(location.search);
  let customer = "customer";
  if (q.get("user")) {
    const r = await api("POST", "persona", {
      key: "customer", id: Number(q.get("user")), first_name: q.get("name") || "Guest",
      language_code: q.get("lang") || undefined,
    });
    sim.personas.set(r.persona.key, r.persona);
    customer = r.persona.key;
  }
  sim.customer = customer;
  fillChatMenu();
  openPane(sim.personas.get(customer).chat, customer);
  // ?staff=1: the whole order at once — the florists' channel and the
  // florist's own chat (where the bouquet photo is sent), the couriers'
  // group and the courier's chat, beside the customer.
  if (q.get("staff")) {
    for (const c of sim.chats.values()) {
      if (!c.actor) continue;
      openPane(c.id, actorForGroups(c.id));
      const p = sim.personas.get(c.actor);
      if (p) openPane(p.chat, p.key);
    }
  }
  // ?marketing=1: a post from preview to order — the marketer's chat,
  // the shop's channel, and the customer who presses [Order].
  if (q.get("marketing")) {
    const m = sim.personas.get("marketer");
    if (m) openPane(m.chat, m.key);
    for (const c of sim.chats.values()) if (c.shop) openPane(c.id, actorForGroups(c.id));
  }

  document.getElementById("open-chat").addEventListener("change", (ev) => {
    const v = ev.target.value;
    ev.target.value = "";
    if (v.startsWith("p:")) { const p = sim.personas.get(v.slice(2)); if (p) openPane(p.chat, p.key); }
    if (v.startsWith("c:")) { const id = Number(v.slice(2)); openPane(id, actorForGroups(id)); }
  });
  document.getElementById("new-customer").addEventListener("click", async () => {
    const id = 800000 + Math.floor(Math.random() * 100000);
    try {
      const r = await api("POST", "persona", { key: "c" + id, id, first_name: "Customer " + id });
      addPersona(r.persona);
      sim.customer = r.persona.key;   // the channel's [Order] buttons act as them now
      for (const p of sim.panes) {
        if (sim.chats.get(p.chat)) p.el.querySelector(".pane-sub").textContent = paneTitle(p.chat, sim.personas.get(p.persona)).sub;
      }
      openPane(r.persona.chat, r.persona.key);
    } catch (e) {
      status(e.message, true);
    }
  });
  pollForever();
}

main().catch((e) => status("failed to start: " + e.message, true));
