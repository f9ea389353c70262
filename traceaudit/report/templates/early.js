document.documentElement.className += " js pre";
