// spec/browser/sim.test.mjs — the chat simulator in a real browser: Debian's
// headless Chromium driven by playwright-core (no browser download).
//
//   node spec/browser/sim.test.mjs URL [PRODUCT_ID [PRODUCT_CODE TOKEN]]
//
// URL is the simulator's page (the emulator process, with a bot serving
// against it). Checks, as a customer the bot has never seen:
//   1. the page loads and shows the customer's chat;
//   2. typing /start brings the language question with its two buttons;
//   3. pressing one changes the conversation (the message is edited, or the
//      bot answers with a new one);
//   4. with PRODUCT_ID, the deep link /start p_<id> shows the product's
//      card with its photo, decoded by the browser; its "add to cart"
//      button, answered with a toast, shows the toast's text; and at
//      checkout, "it's me" for the phone brings a reply keyboard whose
//      request_contact button shares the customer's contact, after which
//      the bot asks the next question;
//   5. /favicon.ico is an image (200), and nothing the page loaded failed;
//   6. ?staff=1 opens the florists' channel and the couriers' group (acting
//      as the florist and the courier) and their private chats beside the
//      customer's, and the florist can send a photo from their chat;
//   7. with PRODUCT_CODE and the bot's TOKEN: switching to the marketer's
//      chat, /post PRODUCT_CODE previews the post and its publish button
//      posts it; the shop's channel shows the post with its photo; its
//      [Order] link opens the product in the customer's chat (/start
//      p_<id>_<post>, a new card); and an album sent to the channel
//      (sendMediaGroup) is drawn as one group of photos.
// Prints which node and playwright-core it runs with, then "ok - ..." per
// step; exits 0 when all passed, 1 with the reason.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// playwright-core checks the Node version when loaded: import it here, so a
// refusal is reported as what it is, with the node that was refused.
const pwVersion = (() => {
  try {
    return JSON.parse(readFileSync(new URL("../../node_modules/playwright-core/package.json", import.meta.url))).version;
  } catch { return "not installed"; }
})();
console.log(`# node ${process.execPath} ${process.version}, playwright-core ${pwVersion}`);
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  console.log(`not ok - playwright-core ${pwVersion} does not load on Node ${process.version} (${process.execPath}): ` +
              String(e && e.message || e).split("\n").filter(Boolean).join(" "));
  process.exit(1);
}

const url = process.argv[2];
const productId = process.argv[3];
const productCode = process.argv[4];
const token = process.argv[5];
if (!url) {
  console.error("usage: node spec/browser/sim.test.mjs URL [PRODUCT_ID]");
  process.exit(2);
}
const STEP_MS = 15000;   // each step's own deadline

// The flags Debian's chromium needs on this machine: run as root, no GPU,
// and no calls home (the network is closed; retries would slow it down).
const ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"];

const profile = mkdtempSync(join(tmpdir(), "guldasta-chromium-"));
let context;
let page;
let failed = false;

function ok(what) { console.log("ok - " + what); }

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    timeout: 30000,
  });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => { if (r.status() >= 400) errors.push(r.status() + " for " + r.url()); });

  // A fresh Telegram user per run: /start must meet someone the bot has not seen.
  const user = 900000000 + Math.floor(Math.random() * 99999999);
  const target = new URL(url);
  target.searchParams.set("user", String(user));
  target.searchParams.set("name", "Browser");
  await page.goto(target.toString(), { waitUntil: "load" });
  const pane = page.locator(`section.pane[data-chat="${user}"]`);
  await pane.waitFor({ state: "visible" });
  if (!(await page.title()).includes("simulator")) throw new Error("unexpected page title: " + await page.title());
  ok("page loads with the customer's chat");

  const input = pane.locator(".composer input");
  await input.fill("/start");
  await input.press("Enter");
  await pane.locator('li.msg[data-role="user"] .text', { hasText: "/start" }).waitFor();
  const question = pane.locator('li.msg[data-role="bot"]').filter({ has: page.locator(".ikb button") }).last();
  await question.waitFor();
  const labels = await question.locator(".ikb button").allTextContents();
  for (const want of ["Русский", "Oʻzbekcha"]) {
    if (!labels.some((l) => l.includes(want))) {
      throw new Error(`the language question has no "${want}" button; buttons: ${JSON.stringify(labels)}`);
    }
  }
  ok("/start gets the language question: " + labels.join(" | "));

  const before = {
    id: await question.getAttribute("data-id"),
    text: (await question.textContent()) || "",
    count: await pane.locator('li.msg[data-role="bot"]').count(),
  };
  await question.locator(".ikb button", { hasText: "Oʻzbekcha" }).click();
  await page.waitForFunction(({ chat, id, text, count }) => {
    const p = document.querySelector(`section.pane[data-chat="${chat}"]`);
    const m = p && p.querySelector(`li.msg[data-id="${id}"]`);
    const bots = p ? p.querySelectorAll('li.msg[data-role="bot"]').length : 0;
    return (m && m.textContent !== text) || !m || bots > count;
  }, { chat: String(user), ...before }, { timeout: STEP_MS });
  ok("pressing a button changes the conversation");

  if (productId) {
    await input.fill("/start p_" + productId);
    await input.press("Enter");
    const img = pane.locator('li.msg[data-role="bot"] img.photo').last();
    await img.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(),
                               { timeout: STEP_MS });
    const size = await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]);
    ok(`the deep link shows the product card with its photo (${size[0]}x${size[1]})`);

    // "Add to cart" is answered by answerCallbackQuery with a text only.
    const card = pane.locator('li.msg[data-role="bot"]').filter({ has: page.locator("img.photo") }).last();
    await card.locator('.ikb button[data-callback^="a:"]').click();
    const toast = pane.locator(".toast");
    await toast.waitFor({ state: "visible" });
    const said = ((await toast.locator(".toast-text").textContent()) || "").trim();
    if (!said) throw new Error("the toast after \"add to cart\" is empty");
    ok("a button answered with a toast shows it: " + said);

    // Checkout up to the phone: "it's me" without a known number brings a
    // reply keyboard with a request_contact button.
    await input.fill("/cart");
    await input.press("Enter");
    await pane.locator('li.msg[data-role="bot"] .ikb button[data-callback="o:start"]').last().click();
    await pane.locator('li.msg[data-role="bot"] .ikb button[data-callback="o:x"]').last().waitFor();
    await input.fill("Browser Test");
    await input.press("Enter");
    await pane.locator('li.msg[data-role="bot"] .ikb button[data-callback="o:ph:me"]').last().click();
    const share = pane.locator('.rkb button[data-request="contact"]');
    await share.waitFor({ state: "visible" });
    const shareLabel = ((await share.textContent()) || "").trim();
    await share.click();
    await pane.locator('li.msg[data-role="user"] .service', { hasText: "Contact:" }).last().waitFor();
    // the next question (the address) comes once the number is taken
    await pane.locator('li.msg[data-role="bot"] .ikb button[data-callback="o:ad:b"]').last().waitFor();
    if (await share.isVisible()) throw new Error("the one-time reply keyboard is still shown after its press");
    ok(`the reply keyboard's "${shareLabel}" shares the contact and the bot goes on`);
  }

  if (productId && productCode && token) {
    await page.locator("#open-chat").selectOption("p:marketer");
    const marketer = page.locator('section.pane[data-persona="marketer"]:not([data-chat^="-"])');
    await marketer.waitFor();
    const mInput = marketer.locator(".composer input");
    await mInput.fill("/post " + productCode);
    await mInput.press("Enter");
    await marketer.locator('li.msg[data-role="bot"] .ikb button[data-callback^="cp:ok:"]').last().click();
    ok("the marketer's chat: /post " + productCode + " previews the post and publishing is pressed");

    const state = await page.evaluate(async () => (await fetch("/sim/api/state")).json());
    const shop = state.chats.find((c) => c.shop);
    if (!shop) throw new Error("the simulator shows no shop channel: " + JSON.stringify(state.chats));
    await page.locator("#open-chat").selectOption("c:" + shop.id);
    const channel = page.locator(`section.pane[data-chat="${shop.id}"]`);
    const post = channel.locator('li.msg[data-role="bot"]').filter({ has: page.locator(".ikb a[data-start]") }).last();
    await post.waitFor();
    const postImg = post.locator("img.photo");
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await postImg.elementHandle(),
                               { timeout: STEP_MS });
    const link = post.locator(".ikb a[data-start]");
    const payload = await link.getAttribute("data-start");
    if (!payload.startsWith("p_" + productId + "_")) throw new Error("the [Order] link starts " + payload);
    ok("the shop's channel shows the post with its photo and [Order] (" + payload + ")");

    const cards = pane.locator('li.msg[data-role="bot"] img.photo');
    const before = await cards.count();
    await link.click();
    await pane.locator('li.msg[data-role="user"] .text', { hasText: "/start " + payload }).waitFor();
    await page.waitForFunction(({ chat, n }) => document.querySelectorAll(
      `section.pane[data-chat="${chat}"] li.msg[data-role="bot"] img.photo`).length > n,
      { chat: String(user), n: before }, { timeout: STEP_MS });
    ok("[Order] in the channel opens the product in the customer's chat");

    // an album: the post's photo twice, by its file_id, straight to the emulator
    const fileId = decodeURIComponent((await postImg.getAttribute("src")).replace("/sim/file/", ""));
    const res = await page.evaluate(async ({ token, chat, fileId }) => {
      const r = await fetch(`/bot${token}/sendMediaGroup`, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ chat_id: chat, media: [{ type: "photo", media: fileId, caption: "album test" },
                                                      { type: "photo", media: fileId }] }),
      });
      return r.json();
    }, { token, chat: shop.id, fileId });
    if (!res.ok) throw new Error("sendMediaGroup: " + JSON.stringify(res));
    const album = channel.locator("li.msg.album", { hasText: "album test" });
    await album.waitFor();
    const n = await album.locator("img.photo").count();
    if (n !== 2) throw new Error(`the album is drawn with ${n} photos, not 2`);
    ok("an album in the channel is one group of 2 photos");
  }

  const icon = await page.evaluate(async () => {
    const res = await fetch("/favicon.ico");
    const img = new Image();
    img.src = URL.createObjectURL(await res.blob());
    await img.decode().catch(() => {});
    return { status: res.status, type: res.headers.get("content-type"), width: img.naturalWidth };
  });
  if (icon.status !== 200 || !(icon.width > 0)) throw new Error("/favicon.ico: " + JSON.stringify(icon));
  ok(`/favicon.ico is an image (${icon.status}, ${icon.type}, ${icon.width} px wide)`);
  const staffPage = await context.newPage();
  staffPage.setDefaultTimeout(STEP_MS);
  staffPage.on("pageerror", (e) => errors.push(e.message));
  const staffUrl = new URL(url);
  staffUrl.searchParams.set("staff", "1");
  await staffPage.goto(staffUrl.toString(), { waitUntil: "load" });
  await staffPage.locator('section.pane[data-persona="courier"]').first().waitFor();
  const panes = await staffPage.locator("section.pane").evaluateAll(
    (els) => els.map((e) => e.dataset.persona + "@" + e.dataset.chat));
  for (const want of [/^customer@\d+$/, /^florist@-\d+$/, /^florist@\d+$/, /^courier@-\d+$/, /^courier@\d+$/]) {
    if (!panes.some((p) => want.test(p))) throw new Error(`?staff=1 has no pane ${want}; panes: ${panes.join(", ")}`);
  }
  const floristChat = staffPage.locator("section.pane").filter({ hasText: "private chat" })
    .and(staffPage.locator('[data-persona="florist"]'));
  await floristChat.locator(".send-photo").click();
  const sent = floristChat.locator('li.msg[data-role="user"] img.photo').last();
  await sent.waitFor();
  await staffPage.waitForFunction((el) => el.complete && el.naturalWidth > 0, await sent.elementHandle(),
                                  { timeout: STEP_MS });
  ok("?staff=1 shows customer, florist and courier side by side: " + panes.join(", "));
  if (errors.length) throw new Error("errors in the page: " + errors.join("; "));
} catch (e) {
  failed = true;
  console.log("not ok - " + (e && e.message ? e.message.split("\n")[0] : String(e)));
  // what the customer's chat showed then: the last messages with their buttons
  if (page) {
    const last = await page.$$eval("section.pane:first-of-type li.msg", (els) => els.slice(-4).map((li) =>
      `# ${li.dataset.role} #${li.dataset.id}: ${(li.querySelector(".text, .service")?.textContent || "").slice(0, 80)}` +
      [...li.querySelectorAll(".ikb button")].map((b) => ` [${b.dataset.callback}]`).join(""))).catch(() => []);
    for (const l of last) console.log(l.replace(/\n/g, " "));
  }
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
