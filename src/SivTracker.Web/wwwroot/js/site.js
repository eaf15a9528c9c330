// Asks before destructive actions: any form with data-confirm="question".
document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
        event.preventDefault();
    }
});
