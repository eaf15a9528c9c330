// Asks before destructive actions: any form with data-confirm="question".
document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
        event.preventDefault();
    }
});

// Passkeys: a form with data-passkey="create" or "get" first asks its page for options (POST ?handler=...), hands them to
// the browser's passkey prompt, and then sends the form with the browser's answer in CredentialJson. The server makes
// the options and checks the answer; this only carries them.
document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var status = form.querySelector("[data-passkey-status]");
    var say = function (text) { if (status) { status.textContent = text; } };
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
        say("This browser cannot use passkeys. Update it, or use another sign-in method.");
        form.querySelector("button[type=submit]").disabled = true;
        return;
    }
    form.addEventListener("submit", async function (event) {
        if (form.elements.CredentialJson.value) {
            return;
        }
        event.preventDefault();
        // A passkey made on the device but refused here would linger on the device: ask for what is missing first.
        var empty = Array.prototype.find.call(form.querySelectorAll("[data-passkey-required]"), function (input) { return !input.value.trim(); });
        if (empty) {
            say("Fill in " + form.querySelector("label[for='" + empty.id + "']").textContent.toLowerCase() + " first.");
            empty.focus();
            return;
        }
        try {
            var token = form.querySelector("input[name=__RequestVerificationToken]").value;
            var response = await fetch("?handler=" + form.dataset.optionsHandler, {
                method: "POST", credentials: "same-origin", headers: { "RequestVerificationToken": token },
            });
            if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("application/json")) {
                say("SivTracker could not start the passkey prompt. Reload the page and try again.");
                return;
            }
            var options = await response.json();
            var credential = form.dataset.passkey === "create"
                ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
                : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
            form.elements.CredentialJson.value = JSON.stringify(credential);
            form.requestSubmit(event.submitter);
        } catch (error) {
            say(error && error.name === "NotAllowedError"
                ? "The passkey prompt was closed or timed out. Try again when ready."
                : "The passkey did not work here: " + (error && error.message ? error.message : error));
        }
    });
});

// The language picker switches as soon as a language is chosen; its button stays for browsers without scripts.
document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
});

// Persian digits for those who chose them: the page's text is rewritten as it is shown, never a form's values, codes or
// links, so what is typed, stored and sent stays the same in either digit set.
if (document.documentElement.getAttribute("data-digits") === "persian") {
    var skip = "input, textarea, select, code, kbd, pre, script, style, [data-keep-digits]";
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
        acceptNode: function (node) {
            return /[0-9]/.test(node.nodeValue) && !(node.parentElement && node.parentElement.closest(skip)) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
        }
    });
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
        node.nodeValue = node.nodeValue.replace(/[0-9]/g, function (d) { return String.fromCharCode(0x06F0 + Number(d)); });
    });
}

// The intake form's proof of work (Domain/IntakeProof): find a number whose SHA-256 with the page's challenge starts
// with data-proof-bits zero bits, then send. A second or two on a phone once; the same again for every request a
// script would flood the form with.
document.querySelectorAll("form[data-proof-bits]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
        if (form.elements.Nonce.value) {
            return;
        }
        event.preventDefault();
        var button = event.submitter || form.querySelector("button[type=submit]");
        var label = button.textContent;
        button.disabled = true;
        button.textContent = button.dataset.working || label;
        var bits = parseInt(form.dataset.proofBits, 10);
        var challenge = form.elements.ProofChallenge.value;
        var encoder = new TextEncoder();
        var holds = function (hash) {
            var bytes = new Uint8Array(hash);
            for (var i = 0, left = bits; left > 0; i++, left -= 8) {
                if (bytes[i] & (left >= 8 ? 0xFF : (0xFF << (8 - left)) & 0xFF)) {
                    return false;
                }
            }
            return true;
        };
        // Hashed a batch at a time: one digest per await would spend more time waiting than hashing.
        for (var start = 0; ; start += 512) {
            var batch = [];
            for (var n = start; n < start + 512; n++) {
                batch.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
            }
            var found = (await Promise.all(batch)).findIndex(holds);
            if (found >= 0) {
                form.elements.Nonce.value = String(start + found);
                break;
            }
        }
        button.disabled = false;
        button.textContent = label;
        // Sent as it stands: a second submit event would only find the work done.
        form.submit();
    });
});
