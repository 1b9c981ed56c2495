// docs/flows/shoot.mjs — the screenshots of docs/flows/*.md, taken from the
// chat simulator of `make demo` in headless Chromium (Debian's chromium
// driven by playwright-core, as spec/browser/ does). It plays one whole
// order as a person would, by typing and pressing in the page: the customer
// (a Telegram user the bot has never seen) chooses Russian, searches,
// fills the cart and checks out, mistakes included; the florist accepts,
// assembles and sends the photo; the courier takes and delivers; then a
// second order is cancelled by the customer from "My orders".
//
//   node docs/flows/shoot.mjs [SIM_URL] [OUT_DIR]
//
// SIM_URL defaults to http://127.0.0.1:8090 (the demo's simulator), OUT_DIR
// to docs/flows/img. docs/flows/shoot.sh starts a demo on ports of its own
// and runs this against it. Each picture is one pane (or two side by side)
// of a 1000x800 page. Prints "shot NAME" per picture; exits 1 with the step
// that failed and the last messages of each pane.
//
// The labels it presses are the bot's Russian button texts (templates/ru):
// when one changes, this fails naming the button it could not find.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const SIM = (process.argv[2] || "http://127.0.0.1:8090").replace(/\/$/, "");
const OUT = process.argv[3] || join(here, "img");
const STEP_MS = 20000;
const ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"];

mkdirSync(OUT, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "guldasta-shoot-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ARGS,
  viewport: { width: 1000, height: 800 },
  timeout: 30000,
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(STEP_MS);
let step = "start";

// {=====================================================================
// The page: panes, typing, pressing, waiting
// ======================================================================

// The customer, the florists' channel, the florist's chat, the couriers'
// group, the courier's chat.
const panes = {};
function paneOf(persona, group) {
  const sel = `section.pane[data-persona="${persona}"]`;
  return page.locator(sel).filter({ has: page.locator(".pane-sub", { hasText: group ? "acting as" : "private chat" }) });
}

function bots(pane) { return pane.locator('li.msg[data-role="bot"]'); }

// The newest bot message containing `text` (a string or RegExp).
async function waitBot(pane, text) {
  const m = bots(pane).filter({ hasText: text }).last();
  await m.waitFor();
  return m;
}

async function say(pane, text) {
  const input = pane.locator(".composer input");
  await input.fill(text);
  await input.press("Enter");
  await pane.locator('li.msg[data-role="user"] .text', { hasText: text }).last().waitFor();
}

// Presses the button labelled `label` on the newest bot message that has one.
async function press(pane, label) {
  const btn = pane.locator("li.msg .ikb button", { hasText: label }).last();
  if (await btn.count() === 0) {
    const all = await pane.locator("li.msg .ikb button").allTextContents();
    throw new Error(`no button "${label}"; buttons now: ${JSON.stringify(all.slice(-12))}`);
  }
  await btn.scrollIntoViewIfNeeded();
  await btn.click();
}

// Presses `label` and waits until the bot has answered with `text`.
async function pressFor(pane, label, text) {
  await press(pane, label);
  return waitBot(pane, text);
}

async function sayFor(pane, said, text) {
  await say(pane, said);
  return waitBot(pane, text);
}

// Saves the given panes side by side as OUT/name.png, once the pictures
// have loaded; the other panes are hidden meanwhile, so the picture is
// only of these. A pane shows its newest messages; a message locator in
// the list is scrolled to the bottom of its pane instead.
async function shot(name, ...list) {
  const shown = [];
  for (const item of list) {
    const isPane = Object.values(panes).includes(item);
    shown.push({ item, isPane, pane: isPane ? item : item.locator("xpath=ancestor::section[1]") });
  }
  const handles = await Promise.all(shown.map((s) => s.pane.elementHandle()));
  await page.evaluate((keep) => {
    for (const el of document.querySelectorAll("section.pane")) el.style.display = keep.includes(el) ? "" : "none";
  }, handles);
  try {
    await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: STEP_MS });
    for (const s of shown) {
      if (s.isPane) await s.pane.locator(".messages").evaluate((el) => { el.scrollTop = el.scrollHeight; });
      else await s.item.evaluate((el) => el.scrollIntoView({ block: "end" }));
    }
    const boxes = await Promise.all(shown.map((s) => s.pane.boundingBox()));
    const x = Math.min(...boxes.map((b) => b.x)), y = Math.min(...boxes.map((b) => b.y));
    const clip = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x,
                   height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
    await page.screenshot({ path: join(OUT, name + ".png"), clip });
  } finally {
    await page.evaluate(() => { for (const el of document.querySelectorAll("section.pane")) el.style.display = ""; });
  }
  console.log("shot " + name);
}

// The checkout from the cart's button to the confirmation screen. With
// `mistakes`, the wrong answers a customer makes too: a short phone, /start
// in the middle (the menu then offers to continue), an unknown promo code;
// and pictures of the bad phone and of the confirmation.
async function checkout(c, mistakes) {
  await pressFor(c, "Оформить заказ", "Кому доставить");
  await sayFor(c, "Aziza", "Телефон получателя");
  if (mistakes) {
    await sayFor(c, "12345", "9 цифр после +998");
    await shot("customer-4-bad-phone", c);
  }
  await sayFor(c, "90 123 45 67", "Адрес доставки");
  await sayFor(c, "ул. Бахоуддина Накшбанди, 12, кв. 5", "Ориентир");
  if (mistakes) {
    step = "customer: /start in the middle of checkout";
    await sayFor(c, "/start", "Продолжить оформление");
    await pressFor(c, "Продолжить оформление", "Ориентир");
  }
  await sayFor(c, "напротив школы № 12", "точку на карте");
  await pressFor(c, "Выбрать район", "Выберите район");
  await bots(c).last().locator(".ikb button").first().click();
  await waitBot(c, "день доставки");
  await bots(c).last().locator(".ikb button").first().click();
  await waitBot(c, "время доставки");
  await bots(c).last().locator(".ikb button").first().click();
  await waitBot(c, "Сюрприз");
  await pressFor(c, "Нет, позвоните заранее", "Анонимно");
  await pressFor(c, "Нет, можно назвать меня", "Текст открытки");
  await sayFor(c, "С днём рождения, мама!", "На открытке будет написано");
  await pressFor(c, "Всё верно", "промокод");
  if (mistakes) await sayFor(c, "NOSUCHCODE", "Такого промокода нет");
  await pressFor(c, "Без промокода", "Как вы оплатите");
  await pressFor(c, "Наличными курьеру", "Проверьте заказ");
  if (mistakes) await shot("customer-5-confirm", c);
}

// Confirms the order on screen; returns its number (another than `before`,
// the customer's previous order, whose message is still in the chat).
async function confirm(c, before) {
  const placed = await (await pressFor(c, "Подтвердить заказ",
                                       new RegExp(`Заказ #(?!${before || 0} )\\d+ оформлен`))).textContent();
  const id = (/Заказ #(\d+) оформлен/.exec(placed) || [])[1];
  if (!id) throw new Error("no order number in: " + placed);
  return id;
}

// }=====================================================================

try {
  const user = 810000000 + Math.floor(Math.random() * 9999999);
  step = "open the simulator";
  await page.goto(`${SIM}/?staff=1&user=${user}&name=Dilnoza&lang=ru`, { waitUntil: "load" });
  panes.customer = page.locator(`section.pane[data-chat="${user}"]`);
  panes.floristGroup = paneOf("florist", true);
  panes.florist = paneOf("florist", false);
  panes.courierGroup = paneOf("courier", true);
  panes.courier = paneOf("courier", false);
  for (const p of Object.values(panes)) await p.waitFor();
  // only the panes in the picture need room: the others stay in the page
  const c = panes.customer;

  // {===================================================================
  // The customer
  // ====================================================================
  step = "customer: /start and the language";
  await say(c, "/start");
  await waitBot(c, "Oʻzbekcha");
  await shot("customer-1-language", c);
  await pressFor(c, "Русский", "Чем помочь");

  step = "customer: search and a product card";
  await sayFor(c, "atirgul", "Нашл");
  await shot("customer-2-search", c);
  const found = bots(c).filter({ hasText: "Нашл" }).last();
  await found.locator(".ikb button").first().click();
  await waitBot(c, "В корзину");
  await press(c, "В корзину");
  await sayFor(c, "/menu", "Чем помочь");
  await pressFor(c, "Корзина", /Ваша корзина[\s\S]*Роза/);
  await shot("customer-3-cart", c);

  step = "customer: checkout, with mistakes";
  await checkout(c, true);
  const id = await confirm(c);
  await shot("customer-6-placed", c);

  // {===================================================================
  // The florist
  // ====================================================================
  const fg = panes.floristGroup, f = panes.florist;
  step = "florist: the post in the florists' channel";
  await waitBot(fg, new RegExp(`Заказ #${id}\\s`));
  await shot("florist-1-post", fg);
  step = "florist: accept and assemble";
  await press(fg, "Принять");
  await waitBot(c, `Заказ #${id} принят`);
  await press(fg, "Начинаю собирать");
  await waitBot(c, `(заказ #${id})`);
  await shot("florist-2-accepted", fg, c);
  step = "florist: ready, the photo";
  await press(fg, "Готов");
  // the demo's florist speaks Uzbek (tools/demo.sh), so her own chat is in Uzbek
  await waitBot(f, `Buyurtma #${id} uchun tayyor guldasta suratini`);
  await sayFor(f, "tayyor", `Buyurtma #${id} uchun surat kutyapman`);
  await f.locator(".send-photo").click();
  await waitBot(f, `Buyurtma #${id} tayyor va kuryerlarga`);
  await shot("florist-3-photo", f);
  await waitBot(c, `букет готов (заказ #${id})`);
  await shot("florist-4-customer-photo", c);

  // {===================================================================
  // The courier
  // ====================================================================
  const cg = panes.courierGroup, k = panes.courier;
  step = "courier: the post in the couriers' group";
  await waitBot(cg, `Заказ #${id} готов к доставке`);
  await shot("courier-1-post", cg);
  step = "courier: take";
  await press(cg, "Беру доставку");
  await waitBot(k, `Заказ #${id} — ваш`);
  await waitBot(c, `везёт заказ #${id}`);
  await shot("courier-2-route", k);
  step = "courier: delivered";
  await press(k, /^✅ Доставлен$/);
  await waitBot(c, `Заказ #${id} доставлен`);
  await shot("courier-3-delivered", cg, c);

  // {===================================================================
  // The customer again: a second order, cancelled from "My orders"
  // ====================================================================
  step = "customer: a second order, cancelled from my orders";
  await sayFor(c, "/start", "Чем помочь");
  await sayFor(c, "гербера", "Нашл");   // in season all year (tulips are not, rules/season.lua)
  await bots(c).filter({ hasText: "Нашл" }).last().locator(".ikb button").first().click();
  await waitBot(c, "В корзину");
  await press(c, "В корзину");
  await sayFor(c, "/menu", "Чем помочь");
  await pressFor(c, "Корзина", /Ваша корзина[\s\S]*Оформить заказ/);
  await checkout(c, false);
  const id2 = await confirm(c, id);
  await waitBot(fg, new RegExp(`Заказ #${id2}\\s`));
  await sayFor(c, "/menu", "Чем помочь");
  await pressFor(c, "Мои заказы", "Ваши заказы");
  await pressFor(c, `#${id2} ·`, `Заказ #${id2} —`);
  await pressFor(c, "Отменить заказ", `Отменить заказ #${id2}?`);
  await pressFor(c, "Да, отменить", `Заказ #${id2} отменён`);
  await waitBot(fg, "Отменён клиентом");
  await shot("customer-7-cancelled", c, fg);
} catch (e) {
  console.log(`not ok - ${step}: ${e && e.message ? e.message.split("\n")[0] : e}`);
  for (const [name, p] of Object.entries(panes)) {
    const last = await bots(p).allTextContents().catch(() => []);
    if (last.length) console.log(`  ${name}: ${JSON.stringify(last.slice(-2))}`);
  }
  process.exitCode = 1;
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
