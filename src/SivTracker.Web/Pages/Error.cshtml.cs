using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages;

/// <summary>The one error page: a plain message and a request id, never a stack trace.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken(Order = 1001)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[NotAudited("A fixed message and a request id.")]
public class ErrorModel : PageModel
{
    public string RequestId { get; private set; } = "";
    public string Title { get; private set; } = T("Something went wrong");
    public string Message { get; private set; } = T("The request could not be completed. Nothing was half-saved; please try again.");

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        (Title, Message) = code switch
        {
            404 => (T("Not found"), T("There is nothing here, or you do not have access to it.")),
            403 => (T("Not allowed"), T("Your role does not allow this page.")),
            429 => (T("Too many requests"), T("Please wait a moment and try again.")),
            503 => (T("Temporarily unavailable"), T("SivTracker cannot reach its database right now. Your last saved change is safe; try again in a minute.")),
            _ => (Title, Message),
        };
    }
}
