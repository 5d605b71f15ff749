package auth_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/atomicfile"
	"github.com/emtime/emtime/pkg/auth"
	"golang.org/x/oauth2"
)

const linkClientJSON = `{"installed":{"client_id":"id.apps.googleusercontent.com","client_secret":"s","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","redirect_uris":["http://localhost"]}}`

// elsewhere is a file outside the config folder that a link in it points
// to, holding data with mode 0644: it must stay so whatever emtime does.
func elsewhere(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "someone-elses.json")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	return path
}

func leftAlone(t *testing.T, link, target, data string) {
	t.Helper()
	if got, err := os.Readlink(link); err != nil || got != target {
		t.Errorf("%s is now %q (%v), want the link to %s left as it was", link, got, err, target)
	}
	fi, err := os.Lstat(target)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode() != 0o644 {
		t.Errorf("the file the link points to has mode %v, want -rw-r--r-- (untouched)", fi.Mode())
	}
	if got, _ := os.ReadFile(target); string(got) != data {
		t.Errorf("the file the link points to holds %q, want %q (untouched)", got, data)
	}
	if entries, _ := os.ReadDir(filepath.Dir(link)); len(entries) != 1 {
		t.Errorf("the config folder holds %d entries, want the link alone", len(entries))
	}
}

func wantRefusal(t *testing.T, op string, err error, link, remedy string) {
	t.Helper()
	if !errors.Is(err, atomicfile.ErrNotFile) {
		t.Fatalf("%s: %v, want a refusal of the link", op, err)
	}
	for _, want := range []string{link + " is a symbolic link, not a plain file", "remove it and " + remedy} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q does not say %q", op, err, want)
		}
	}
}

// TestTokenFileThatIsALink checks a token file that is a link (to a
// token of someone else's, say) is neither read, written, replaced nor
// chmod'ed, and that what to do is said, per provider.
func TestTokenFileThatIsALink(t *testing.T) {
	const token = `{"access_token":"someone-elses","refresh_token":"r"}`
	for _, p := range []auth.Provider{auth.Google(auth.Endpoints{}), auth.Microsoft("", "common")} {
		t.Run(p.Name, func(t *testing.T) {
			dir := t.TempDir()
			target := elsewhere(t, token)
			store := p.FileStore(dir)
			if err := os.Symlink(target, store.Path); err != nil {
				t.Skipf("cannot make a symbolic link here: %v", err)
			}
			remedy := "sign in again (" + p.Login + ")"

			_, err := store.Load()
			wantRefusal(t, "Load", err, store.Path, remedy)
			err = store.Save(auth.Stored{Token: &oauth2.Token{AccessToken: "mine", Expiry: time.Now()}})
			wantRefusal(t, "Save", err, store.Path, remedy)
			for _, mode := range []string{"file", "auto", ""} {
				_, err := p.OpenStore(dir, func(k string) string {
					if k == auth.EnvTokenStore {
						return mode
					}
					return ""
				})
				wantRefusal(t, "OpenStore "+mode, err, store.Path, remedy)
			}
			leftAlone(t, store.Path, target, token)

			// Signing out removes the link itself, never what it points to.
			if err := store.Delete(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(store.Path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Delete left the link: %v", err)
			}
			if got, _ := os.ReadFile(target); string(got) != token {
				t.Errorf("Delete changed the file the link pointed to: %q", got)
			}
		})
	}
}

func TestClientJSONThatIsALink(t *testing.T) {
	dir := t.TempDir()
	target := elsewhere(t, linkClientJSON)
	link := filepath.Join(dir, "client.json")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	remedy := "give the client JSON again (emtime auth login --credentials FILE)"
	_, err := auth.LoadClient(dir, func(string) string { return "" })
	wantRefusal(t, "LoadClient", err, link, remedy)
	wantRefusal(t, "SaveClientJSON", auth.SaveClientJSON(dir, []byte(linkClientJSON)), link, remedy)
	leftAlone(t, link, target, linkClientJSON)
}

// TestLinkedConfigFolder checks a config folder that is a link the user
// made is used: the token is written in the folder it points to, mode
// 0600, and that folder keeps the user's mode; a real folder open to
// others is tightened.
func TestLinkedConfigFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access is in ACLs on Windows")
	}
	real := filepath.Join(t.TempDir(), "dotfiles")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(real, 0o755)
	dir := filepath.Join(t.TempDir(), "emtime")
	if err := os.Symlink(real, dir); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	st := auth.Stored{Token: &oauth2.Token{AccessToken: "mine", RefreshToken: "r"}}
	if err := auth.NewFileStore(dir).Save(st); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(filepath.Join(real, "token.json"))
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token.json in the linked folder: %v %v, want a file of mode 0600", fi, err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o755 {
		t.Errorf("the folder the link points to has mode %04o, want the user's 0755", fi.Mode().Perm())
	}
	if got, err := auth.NewFileStore(dir).Load(); err != nil || got.Token.AccessToken != "mine" {
		t.Errorf("Load through the linked folder: %v %v", got, err)
	}

	open := filepath.Join(t.TempDir(), "emtime")
	os.Mkdir(open, 0o755)
	os.Chmod(open, 0o755)
	if err := auth.NewFileStore(open).Save(st); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(open); fi.Mode().Perm() != 0o700 {
		t.Errorf("a config folder of mode 0755 is %04o after a save, want 0700", fi.Mode().Perm())
	}
}
