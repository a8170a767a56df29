console.log("pinpoint");
