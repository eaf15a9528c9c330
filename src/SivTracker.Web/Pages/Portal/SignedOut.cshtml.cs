using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Portal;

/// <summary>Where an ended or missing portal session lands: it names nobody.</summary>
public class SignedOut : PageModel
{
    [NotAudited("A fixed text naming nobody.")]
    public void OnGet()
    {
    }
}
