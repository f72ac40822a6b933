// The 3D stage viewer of a setup (served by viewer_pages.py). Plain WebGL 1: each arch's stage-0
// model is fetched once (binary STL), split into teeth by the scene's face counts, and every tooth is
// drawn with its motion from stage 0 at the chosen stage. No third-party code.
"use strict";
(() => {
  const canvas = document.getElementById("view");
  if (!canvas) return;
  const $ = (id) => document.getElementById(id);
  const status = $("status"), slider = $("stage"), label = $("stage-label");
  const state = { stage: 0, stages: 0, ready: false, triangles: 0, teeth: 0, error: "" };
  window.orthoplanViewer = state;
  const fail = (msg) => { state.error = msg; status.textContent = msg; document.body.dataset.error = "1"; };
  const gl = canvas.getContext("webgl", { antialias: true, preserveDrawingBuffer: true });
  if (!gl) { fail("This browser cannot draw 3D (WebGL is off)."); return; }

  // -- shaders: two-sided diffuse light (crowns are open surfaces) ------------------------------
  const VS = "attribute vec3 p; attribute vec3 n; uniform mat4 proj, view, model; varying vec3 vn;" +
    "void main(){ mat4 mv = view * model; vn = mat3(mv[0].xyz, mv[1].xyz, mv[2].xyz) * n;" +
    " gl_Position = proj * mv * vec4(p, 1.0); }";
  const FS = "precision mediump float; varying vec3 vn; uniform vec3 color;" +
    "void main(){ float d = abs(dot(normalize(vn), normalize(vec3(0.3, 0.5, 1.0))));" +
    " gl_FragColor = vec4(color * (0.35 + 0.65 * d), 1.0); }";
  function shader(type, src) {
    const s = gl.createShader(type);
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    return s;
  }
  const prog = gl.createProgram();
  gl.attachShader(prog, shader(gl.VERTEX_SHADER, VS));
  gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, FS));
  gl.linkProgram(prog);
  gl.useProgram(prog);
  const at = { p: gl.getAttribLocation(prog, "p"), n: gl.getAttribLocation(prog, "n") };
  const un = {};
  for (const k of ["proj", "view", "model", "color"]) un[k] = gl.getUniformLocation(prog, k);

  // -- small matrix helpers (column-major, as GL reads them) ---------------------------------------
  const IDENTITY = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  function fromPose(r) {  // row-major 3x4 -> column-major 4x4
    return new Float32Array([r[0], r[4], r[8], 0, r[1], r[5], r[9], 0, r[2], r[6], r[10], 0, r[3], r[7], r[11], 1]);
  }
  function perspective(fovy, aspect, near, far) {
    const f = 1 / Math.tan(fovy / 2), nf = 1 / (near - far);
    return new Float32Array([f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) * nf, -1, 0, 0, 2 * far * near * nf, 0]);
  }
  function lookAt(eye, c, up) {
    const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    const norm = (a) => { const l = Math.hypot(...a) || 1; return [a[0] / l, a[1] / l, a[2] / l]; };
    const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    const z = norm(sub(eye, c)), x = norm(cross(up, z)), y = cross(z, x);
    return new Float32Array([x[0], y[0], z[0], 0, x[1], y[1], z[1], 0, x[2], y[2], z[2], 0,
      -dot(x, eye), -dot(y, eye), -dot(z, eye), 1]);
  }

  // -- the scene -------------------------------------------------------------------------------------
  function parseStl(buf) {
    const dv = new DataView(buf);
    if (buf.byteLength < 84) throw new Error("the stage model is not a binary STL");
    const n = dv.getUint32(80, true);
    if (84 + 50 * n !== buf.byteLength) throw new Error("the stage model is not a binary STL");
    const pos = new Float32Array(n * 9), nor = new Float32Array(n * 9);
    for (let i = 0; i < n; i++) {
      const o = 84 + 50 * i;
      for (let k = 0; k < 9; k++) pos[9 * i + k] = dv.getFloat32(o + 12 + 4 * k, true);
      for (let v = 0; v < 3; v++) for (let k = 0; k < 3; k++) nor[9 * i + 3 * v + k] = dv.getFloat32(o + 4 * k, true);
    }
    return { n, pos, nor };
  }
  const arches = [];  // {jaw, buf: {p, n}, teeth: [{fdi, first, count}], gingiva: {first, count}, poses}
  let scene = null, eye = { yaw: 0, pitch: -0.35, dist: 100 }, centre = [0, 0, 0];

  async function load() {
    const res = await fetch(canvas.dataset.scene, { credentials: "same-origin" });
    if (!res.ok) throw new Error(`the setup could not be loaded (${res.status})`);
    scene = await res.json();
    let lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    const base = canvas.dataset.scene.replace(/scene\.json$/, "");
    for (const [jaw, a] of Object.entries(scene.arches)) {
      const r = await fetch(base + a.model, { credentials: "same-origin" });
      if (!r.ok) throw new Error(`the ${jaw} model could not be loaded (${r.status})`);
      const stl = parseStl(await r.arrayBuffer());
      const p = gl.createBuffer(), n = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, p); gl.bufferData(gl.ARRAY_BUFFER, stl.pos, gl.STATIC_DRAW);
      gl.bindBuffer(gl.ARRAY_BUFFER, n); gl.bufferData(gl.ARRAY_BUFFER, stl.nor, gl.STATIC_DRAW);
      let first = 0;
      const teeth = a.teeth.map((fdi, i) => { const t = { fdi, first, count: a.faces[i] }; first += a.faces[i]; return t; });
      if (first > stl.n) throw new Error(`the ${jaw} model has fewer triangles than its teeth`);
      arches.push({ jaw, p, n, teeth, gingiva: { first, count: stl.n - first }, a });
      for (let i = 0; i < stl.pos.length; i += 3) for (let k = 0; k < 3; k++) {
        lo[k] = Math.min(lo[k], stl.pos[i + k]); hi[k] = Math.max(hi[k], stl.pos[i + k]);
      }
      state.triangles += stl.n;
      state.teeth += teeth.length;
    }
    centre = [0, 1, 2].map((k) => (lo[k] + hi[k]) / 2);
    eye.dist = 1.8 * Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
    state.stages = scene.stages - 1;
    slider.max = String(state.stages);
    tables();
    state.ready = true;
    document.body.dataset.ready = "1";
    setStage(0);
  }

  // -- what is drawn at a stage --------------------------------------------------------------------
  const IVORY = [0.93, 0.9, 0.82], MOVING = [0.72, 0.84, 0.98], IPR = [0.98, 0.62, 0.3], GUM = [0.86, 0.47, 0.52];
  function iprTeeth(s) {
    const out = new Set();
    for (const { a } of arches) for (const site of a.ipr) if (site.before_stage === s) site.teeth.forEach((f) => out.add(f));
    return out;
  }
  function draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr)), h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    gl.viewport(0, 0, w, h);
    gl.clearColor(0.125, 0.145, 0.17, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.DEPTH_TEST);
    if (!state.ready) return;
    const cp = Math.cos(eye.pitch);
    const pos = [centre[0] + eye.dist * cp * Math.sin(eye.yaw), centre[1] + eye.dist * Math.sin(eye.pitch),
      centre[2] + eye.dist * cp * Math.cos(eye.yaw)];
    gl.uniformMatrix4fv(un.proj, false, perspective(0.6, w / h, eye.dist / 50, eye.dist * 10));
    gl.uniformMatrix4fv(un.view, false, lookAt(pos, centre, [0, 1, 0]));
    const s = state.stage, cut = iprTeeth(s);
    for (const arch of arches) {
      gl.bindBuffer(gl.ARRAY_BUFFER, arch.p);
      gl.enableVertexAttribArray(at.p); gl.vertexAttribPointer(at.p, 3, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, arch.n);
      gl.enableVertexAttribArray(at.n); gl.vertexAttribPointer(at.n, 3, gl.FLOAT, false, 0, 0);
      arch.teeth.forEach((t, i) => {
        const start = arch.a.start[t.fdi] || 0, steps = arch.a.stages_per_tooth[t.fdi] || 0;
        const moving = s > start && s <= start + steps;
        gl.uniformMatrix4fv(un.model, false, fromPose(arch.a.poses[s][i]));
        gl.uniform3fv(un.color, cut.has(t.fdi) ? IPR : moving ? MOVING : IVORY);
        gl.drawArrays(gl.TRIANGLES, 3 * t.first, 3 * t.count);
      });
      if (arch.gingiva.count > 0) {
        gl.uniformMatrix4fv(un.model, false, IDENTITY);
        gl.uniform3fv(un.color, GUM);
        gl.drawArrays(gl.TRIANGLES, 3 * arch.gingiva.first, 3 * arch.gingiva.count);
      }
    }
    document.body.dataset.drawn = String(s);  // for tests and screenshots: this stage is on screen
  }
  function setStage(s) {
    state.stage = Math.max(0, Math.min(state.stages, s | 0));
    slider.value = String(state.stage);
    label.textContent = `${state.stage} of ${state.stages}`;
    status.textContent = state.stage === 0 ? "Before treatment" : `Aligner ${state.stage}`;
    document.body.dataset.stage = String(state.stage);
    for (const li of document.querySelectorAll("#ipr li")) li.classList.toggle("ipr-now", Number(li.dataset.stage) === state.stage);
    requestAnimationFrame(draw);
  }

  // -- the side panel ------------------------------------------------------------------------------
  function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }
  function tables() {
    const table = $("movements"), keys = [];
    for (const { a } of arches) for (const f of a.teeth) for (const k of Object.keys(a.movement[f] || {})) if (!keys.includes(k)) keys.push(k);
    const head = document.createElement("tr");
    ["Tooth", "Stages", ...keys].forEach((k) => head.appendChild(cell("th", k)));
    table.appendChild(head);
    for (const { a } of arches) for (const f of a.teeth) {
      const row = document.createElement("tr");
      row.appendChild(cell("th", String(f)));
      row.appendChild(cell("td", String(a.stages_per_tooth[f] || 0)));
      for (const k of keys) row.appendChild(cell("td", (a.movement[f]?.[k] ?? 0).toFixed(2)));
      table.appendChild(row);
    }
    const ipr = $("ipr"), marks = $("ipr-stages"), unresolved = $("unresolved");
    for (const { a } of arches) {
      for (const site of a.ipr) {
        const li = cell("li", `${site.teeth.join("|")}: ${site.amount_mm.toFixed(2)} mm before aligner ${site.before_stage}`);
        li.dataset.stage = String(site.before_stage);
        ipr.appendChild(li);
        const opt = document.createElement("option"); opt.value = String(site.before_stage); marks.appendChild(opt);
      }
      for (const c of a.unresolved) unresolved.appendChild(cell("li", `${c.teeth.join("|")} at aligner ${c.stage}: ${c.depth_mm.toFixed(2)} mm`));
    }
    if (!ipr.children.length) ipr.appendChild(cell("li", "None"));
    if (!unresolved.children.length) unresolved.appendChild(cell("li", "None"));
  }

  // -- input ---------------------------------------------------------------------------------------
  slider.addEventListener("input", () => setStage(Number(slider.value)));
  let timer = null;
  $("play").addEventListener("click", (ev) => {
    if (timer) { clearInterval(timer); timer = null; ev.target.textContent = "Play"; return; }
    ev.target.textContent = "Pause";
    timer = setInterval(() => setStage(state.stage >= state.stages ? 0 : state.stage + 1), 400);
  });
  let drag = null;
  canvas.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY]; canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointerup", () => { drag = null; });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    eye.yaw -= (e.clientX - drag[0]) * 0.01;
    eye.pitch = Math.max(-1.5, Math.min(1.5, eye.pitch + (e.clientY - drag[1]) * 0.01));
    drag = [e.clientX, e.clientY];
    requestAnimationFrame(draw);
  });
  canvas.addEventListener("wheel", (e) => { e.preventDefault(); eye.dist *= Math.exp(e.deltaY * 0.001); requestAnimationFrame(draw); },
    { passive: false });
  window.addEventListener("resize", () => requestAnimationFrame(draw));
  load().catch((e) => fail(String(e.message || e)));
})();
