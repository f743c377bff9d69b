document.title = "my.js";
