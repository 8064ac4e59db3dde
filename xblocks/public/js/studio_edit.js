/* The Studio editor of the DigiReady blocks: XBlock's StudioEditableXBlockMixin, with the JSON
   fields checked first. The mixin's Save parses them with JSON.parse and throws on a typo,
   which leaves the author with a button that does nothing; here the field is named instead. */
function DigiReadyStudioEdit(runtime, element, init) {
    "use strict";
    var $element = $(element);
    var messages = init.messages || {};  // in the author's language (xblocks/common.py)
    function _(text) { return messages[text] || text; }
    var $alert = $('<div class="dr-studio-error" role="alert" style="color:#b00020;margin:.5rem 0"></div>');
    $element.find(".editor-with-buttons").first().prepend($alert);

    $element.find(".save-button").on("click", function (event) {
        var problems = [];
        $alert.empty();
        $.each(init.json_fields || [], function (index, name) {
            var $field = $element.find('.field-data-control[data-field-name="' + name + '"], #xb-field-edit-' + name).first();
            var text = ($field.val() || "").trim();
            $field.removeAttr("aria-invalid");
            if (text === "") { return; }
            try {
                JSON.parse(text);
            } catch (error) {
                var label = $element.find('label[for="xb-field-edit-' + name + '"]').text() || name;
                problems.push(label + ": " + _("this is not valid JSON") + " (" + error.message + ")");
                $field.attr("aria-invalid", "true");
            }
        });
        if (problems.length) {
            event.preventDefault();
            event.stopImmediatePropagation();  // the mixin's own Save handler is bound after this one
            $.each(problems, function (index, text) { $("<p></p>").text(text).appendTo($alert); });
            $element.find('[aria-invalid="true"]').first().focus();
            runtime.notify("error", {title: _("Unable to update settings"), message: problems.join(" ")});
        }
    });
    if (typeof runtime.notify !== "function") {
        // Studio's runtime has notify; xblock-sdk's workbench before 0.15 has none, and the
        // mixin's Save would throw there before sending anything.
        runtime.notify = function () {};
    }
    StudioEditableXBlockMixin(runtime, element);
}
